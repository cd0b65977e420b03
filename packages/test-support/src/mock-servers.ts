// Prism mock servers started from the specs, with the RPC proxy the pseudo-path model needs in front
// of the Volcengine and Alibaba mocks. Used by the contract tests' globalSetup and by the demo.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { aliyunFail, routeAliyun, routeVolcengine, volcengineFail } from '@rollcall/emulator/wire';
import { exactIntegers, loadSpec } from './contract.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

interface RpcOperation {
  readonly operationId: string;
  readonly method: string;
  readonly path: string;
  readonly action?: string;
  readonly version?: string;
  /** The spec's (pseudo) path of the operation. */
  readonly schemaPath: string;
}

export interface MockVendor {
  id: 'volcengine' | 'aliyun' | 'tencent' | 'agora';
  spec: string;
  /** RPC operations to route by Action/Version; none for REST vendors (Prism is used directly). */
  rpc: readonly RpcOperation[];
}

/** The RPC routing of a spec, read from each operation's `x-rollcall-rpc` extension. */
function rpcOperations(specFile: string): RpcOperation[] {
  const spec = loadSpec(specFile);
  const found: RpcOperation[] = [];
  for (const [schemaPath, item] of Object.entries<Record<string, any>>(spec.paths ?? {})) {
    for (const operation of Object.values<any>(item)) {
      const rpc = operation?.['x-rollcall-rpc'];
      if (rpc)
        found.push({ operationId: operation.operationId, method: rpc.method, path: rpc.path, action: rpc.action, version: String(rpc.version), schemaPath });
    }
  }
  return found;
}

const vendorSpecs = {
  volcengine: 'specs/volcengine-rtc.yaml',
  aliyun: 'specs/aliyun-live.yaml',
  tencent: 'specs/tencent-live.yaml',
  agora: 'specs/agora-rtc.yaml',
} as const;

export const mockVendors: readonly MockVendor[] = Object.entries(vendorSpecs).map(([id, spec]) => ({
  id: id as MockVendor['id'],
  spec,
  rpc: rpcOperations(spec),
}));

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createNetServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitUntilAnswering(url: string, child: ChildProcess, deadlineMs: number): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`prism exited with ${child.exitCode} before answering at ${url}`);
    try {
      await fetch(url, { signal: AbortSignal.timeout(1000) });
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`prism did not answer at ${url} within ${deadlineMs} ms`);
}

/** The vendor's answer to an action it does not have, in its own wire shape. */
function unknownActionBody(vendor: MockVendor['id'], action: string | null, version: string | null) {
  const message = `Could not find operation ${action ?? '(no Action)'} ${version ?? '(no Version)'}`;
  return vendor === 'volcengine'
    ? volcengineFail({ action: action ?? '', version: version ?? '' }, 'rpc-proxy', 'InvalidActionOrVersion', message).body
    : aliyunFail('rpc-proxy', 404, 'InvalidAction.NotFound', message).body;
}

/**
 * Maps a real vendor request (`POST /?Action=X&Version=Y`, or the `x-acs-action` / `x-acs-version`
 * headers of Alibaba's V3 signature) to the spec's pseudo path and forwards it to Prism. An unknown
 * Action/Version gets the vendor's 404.
 */
export async function startRpcProxy(
  vendor: MockVendor,
  upstream: string,
  /** `to-pseudo` in front of Prism; `to-real` behind `prism proxy`, in front of a real-shaped server. */
  direction: 'to-pseudo' | 'to-real' = 'to-pseudo',
): Promise<{ url: string; close(): Promise<void> }> {
  const exact = exactIntegers(loadSpec(vendor.spec));
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://proxy');
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    let targetPath: string;
    if (direction === 'to-real') {
      const operation = vendor.rpc.find((op) => op.method === req.method && op.schemaPath === url.pathname);
      if (!operation) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify(unknownActionBody(vendor.id, null, null)));
        return;
      }
      if (!req.headers['x-acs-action']) {
        url.searchParams.set('Action', operation.action ?? '');
        url.searchParams.set('Version', operation.version ?? '');
      }
      targetPath = operation.path;
    } else {
      // Routed as the emulator routes: the vendors' wire module.
      const received = {
        method: req.method ?? 'GET',
        url,
        headers: req.headers as Record<string, string | undefined>,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      const route = vendor.id === 'volcengine' ? routeVolcengine(received) : routeAliyun(received);
      const operation = vendor.rpc.find((op) => op.operationId === route.operationId);
      if (!operation) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify(unknownActionBody(vendor.id, route.action || null, url.searchParams.get('Version') ?? received.headers['x-acs-version'] ?? null)),
        );
        return;
      }
      url.searchParams.delete('Action');
      url.searchParams.delete('Version');
      targetPath = operation.schemaPath;
    }
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) {
      if (v !== undefined && k !== 'host' && k !== 'content-length' && k !== 'connection') headers.set(k, String(v));
    }
    try {
      const answer = await fetch(`${upstream}${targetPath}${url.search}`, {
        method: req.method,
        headers,
        body: chunks.length ? Buffer.concat(chunks) : undefined,
      });
      let body = Buffer.from(await answer.arrayBuffer());
      // Prism, a JavaScript program, rounds the examples' integers beyond 2^53 (a 19-digit live
      // group); their exact digits are written back, as the vendor would send them.
      if (direction === 'to-pseudo' && exact.size) {
        body = Buffer.from(body.toString('utf8').replace(/(?<=[:[,]\s*)\d{16,}(?=\s*[,\]}])/g, (digits) => exact.get(digits) ?? digits));
      }
      const out: Record<string, string> = {};
      answer.headers.forEach((value, key) => {
        if (key !== 'content-length' && key !== 'transfer-encoding' && key !== 'connection' && key !== 'content-encoding') out[key] = value;
      });
      res.writeHead(answer.status, out);
      res.end(body);
    } catch (error) {
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`rpc proxy: ${(error as Error).message}`);
    }
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export interface MockServers {
  /** Base URL per vendor, as a client's `endpoint` takes it. */
  urls: Record<MockVendor['id'], string>;
  stop(): Promise<void>;
}

function stopChild(child: ChildProcess, graceMs = 3000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

const prismBin = path.join(root, 'node_modules/.bin/prism');

/**
 * One Prism per vendor spec, each behind the RPC proxy its routing needs, on free loopback ports.
 * `prismArgs` gives Prism's command for a spec file and the URL of whatever sits behind it.
 */
async function startPrisms(
  prismArgs: (spec: string, behind: string | null) => string[],
  behindFor: (vendor: MockVendor, proxies: Array<{ close(): Promise<void> }>) => Promise<string | null>,
): Promise<MockServers> {
  const children: ChildProcess[] = [];
  const proxies: Array<{ close(): Promise<void> }> = [];
  const stop = async () => {
    await Promise.all(proxies.map((p) => p.close()));
    await Promise.all(children.map((c) => stopChild(c)));
  };
  try {
    const urls = {} as Record<MockVendor['id'], string>;
    await Promise.all(
      mockVendors.map(async (vendor) => {
        const behind = await behindFor(vendor, proxies);
        const port = await freePort();
        const args = [...prismArgs(path.join(root, vendor.spec), behind), '-h', '127.0.0.1', '-p', String(port), '-v', 'warn'];
        const child = spawn(prismBin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
        children.push(child);
        let stderr = '';
        child.stderr?.on('data', (d) => {
          stderr = (stderr + String(d)).slice(-4000);
        });
        const prismUrl = `http://127.0.0.1:${port}`;
        try {
          await waitUntilAnswering(prismUrl, child, 60_000);
        } catch (error) {
          throw new Error(`${(error as Error).message}\n${stderr}`);
        }
        if (vendor.rpc.length) {
          const toPseudo = await startRpcProxy(vendor, prismUrl, 'to-pseudo');
          proxies.push(toPseudo);
          urls[vendor.id] = toPseudo.url;
        } else {
          urls[vendor.id] = prismUrl;
        }
      }),
    );
    return { urls, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Each vendor's spec held against a real-shaped server: `prism proxy <spec> <upstream> --errors`
 * between RPC proxies, so that every request and every answer of `upstream` is validated.
 */
export function startSpecProxies(upstream: string): Promise<MockServers> {
  return startPrisms(
    (spec, behind) => ['proxy', spec, behind!, '--errors'],
    async (vendor, proxies) => {
      if (!vendor.rpc.length) return upstream;
      const toReal = await startRpcProxy(vendor, upstream, 'to-real');
      proxies.push(toReal);
      return toReal.url;
    },
  );
}

/** Starts one Prism mock per spec (and the RPC proxies) on free loopback ports. */
export function startMockServers(): Promise<MockServers> {
  return startPrisms(
    (spec) => ['mock', spec],
    async () => null,
  );
}
