// The clients inside workerd, Cloudflare's Workers runtime (through miniflare): the default build as
// an edge bundler makes it (fetch, WebCrypto), where CPU time is what the platform bills.
//
// CPU per call: the workerd process's own CPU time (utime + stime, /proc) across N calls made
// inside one request to the Worker (the median of fresh runtimes), beside the same N bare fetches of the same canned answers
// (the platform's floor: fetch, text, JSON.parse). Cold start: from loading a Worker to its first
// answer, beside an empty Worker's, the median of fresh runtimes.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { Miniflare } from 'miniflare';

const here = path.dirname(fileURLToPath(import.meta.url));
const CALLS = Number(process.env.BENCH_WORKERD_CALLS ?? 3000);
const WARMUP = Number(process.env.BENCH_WORKERD_WARMUP ?? 300);
const COLD_RUNS = Number(process.env.BENCH_WORKERD_COLD_RUNS ?? 7);
const CPU_RUNS = Number(process.env.BENCH_WORKERD_RUNS ?? 5);
/** Linux's clock tick for /proc CPU times (USER_HZ). */
const TICK_US = 10_000;

/** A Worker sending Alibaba's signed BatchGetOnlineUsers request without the client: see WORKERS. */
function alibabaSignedRequest(signEveryCall: boolean): string {
  return `
    import { aliyunV3Headers, operations, signAliyunV3 } from '@rollcall/aliyun-live';
    import { formEncode } from '@rollcall/runtime';
    import { crypto } from '@rollcall/runtime/crypto/web';
    const { action, version } = operations.batchGetOnlineUsers;
    const UserIds = Array.from({ length: 20 }, (_, i) => 'u' + i);
    const body = formEncode([['AppId', 'app'], ['GroupId', 'g'], ['UserIds', UserIds.join(',')]]);
    const credentials = { accessKeyId: 'AK', accessKeySecret: 'SK' };
    const contentType = 'application/x-www-form-urlencoded';
    const sign = async (url) => {
      const headers = await aliyunV3Headers(crypto, { host: url.host, action, version, date: new Date(), nonce: globalThis.crypto.randomUUID(), body, contentType, credentials });
      const signed = await signAliyunV3(crypto, { method: 'POST', pathname: url.pathname, query: [], headers, body, credentials });
      return { ...headers, authorization: signed.authorization };
    };
    export const make = (endpoint) => {
      const url = new URL(endpoint + '/');
      let signedOnce;
      return async () => {
        const headers = ${signEveryCall ? 'await sign(url)' : '(signedOnce ??= await sign(url))'};
        const controller = new AbortController();
        const timer = setTimeout(() => controller.abort(), 10000);
        const response = await fetch(url.href, { method: 'POST', headers, body, signal: controller.signal, redirect: 'manual' });
        response.headers.get('content-length');
        response.headers.get('content-encoding');
        const answer = JSON.parse(await response.text());
        clearTimeout(timer);
        return answer;
      };
    };`;
}

/** Each Worker: the call it makes N times (the bench's own calls, as compare/clients.ts makes them). */
const WORKERS = {
  'Volcengine QueryLiveParticipantStatus (200 ids)': `
    import { createVolcengineRtcClient } from '@rollcall/volcengine-rtc';
    import { VOLC_GROUP_ID, VOLC_IM_APP_ID, VOLC_USER_IDS } from ${JSON.stringify(path.join(here, 'ids.ts'))};
    const body = { AppId: VOLC_IM_APP_ID, ConversationShortId: VOLC_GROUP_ID, ParticipantUserIds: VOLC_USER_IDS };
    export const make = (endpoint) => {
      const client = createVolcengineRtcClient({ credentials: { accessKeyId: 'AK', secretAccessKey: 'SK' }, endpoint });
      return () => client.queryLiveParticipantStatus(body);
    };`,
  'Alibaba BatchGetOnlineUsers (20 ids, V3)': `
    import { createAliyunLiveClient } from '@rollcall/aliyun-live';
    const UserIds = Array.from({ length: 20 }, (_, i) => 'u' + i);
    export const make = (endpoint) => {
      const client = createAliyunLiveClient({ credentials: { accessKeyId: 'AK', accessKeySecret: 'SK' }, endpoint });
      return () => client.batchGetOnlineUsers({ AppId: 'app', GroupId: 'g', UserIds });
    };`,
  'Tencent get_member_list': `
    import { createTencentLiveClient } from '@rollcall/tencent-live';
    export const make = (endpoint) => {
      const client = createTencentLiveClient({ credentials: { sdkAppId: 1400000000, identifier: 'admin', secretKey: 'key' }, endpoint });
      return () => client.getMemberList({ RoomId: 'room', Next: '' });
    };`,
  // Between the floor and the Alibaba client: its V3 request as the transport sends it (the headers
  // the signing requires, a deadline timer, an abort signal, redirects not followed), signed once, then
  // signed on every call with WebCrypto — by the package's own signing functions. The client's row
  // less the second is the client's own work (checks, engine, reading the answer).
  "Alibaba's signed request, signed once: fetch with a deadline and an abort signal": alibabaSignedRequest(false),
  "Alibaba's signed request, signed on every call (WebCrypto), then the same fetch": alibabaSignedRequest(true),
  // The floor: the same canned answers fetched bare (the canned server routes by URL and headers).
  'bare fetch of the Volcengine answer': `
    export const make = (endpoint) => async () => JSON.parse(await (await fetch(endpoint + '/?Action=QueryLiveParticipantStatus&Version=2020-12-01', { method: 'POST', body: '{}' })).text());`,
  'bare fetch of the Alibaba answer': `
    export const make = (endpoint) => async () => JSON.parse(await (await fetch(endpoint + '/', { method: 'POST', headers: { 'x-acs-action': 'BatchGetOnlineUsers' }, body: 'AppId=app' })).text());`,
} as const;
export type WorkerName = keyof typeof WORKERS;

/** The Worker module: `?n=` calls of `make(env.UPSTREAM)`, answered when done. */
async function bundle(call: string): Promise<string> {
  const result = await build({
    stdin: {
      contents: `${call}
        export default {
          async fetch(request, env) {
            const n = Number(new URL(request.url).searchParams.get('n'));
            const call = make(env.UPSTREAM);
            for (let i = 0; i < n; i++) await call();
            return new Response(String(n));
          },
        };`,
      resolveDir: here,
      loader: 'ts',
    },
    bundle: true,
    format: 'esm',
    // What a bundler for Workers picks: the `workerd`/`worker`/`browser` conditions, then `default`.
    platform: 'browser',
    conditions: ['workerd', 'worker', 'browser'],
    minify: true,
    write: false,
    // The packages as built (their `exports`), not the workspace's source paths.
    tsconfigRaw: '{}',
    logLevel: 'error',
  });
  return result.outputFiles[0]!.text;
}

function workerdCpuUs(): number {
  let total = 0;
  for (const pid of execFileSync('pgrep', ['-x', 'workerd']).toString().trim().split('\n')) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      total += (Number(fields[11]) + Number(fields[12])) * TICK_US;
    } catch {
      // A workerd that ended between the listing and the read.
    }
  }
  return total;
}

async function start(script: string, upstream: string): Promise<Miniflare> {
  const mf = new Miniflare({ modules: true, script, compatibilityDate: '2025-09-01', bindings: { UPSTREAM: upstream } });
  await mf.ready;
  return mf;
}

export interface WorkerdRow {
  name: WorkerName;
  cpuUsPerCall: number;
  bundleBytes: number;
  /** First answer after loading, ms (median). */
  coldStartMs: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

/** Every Worker's CPU per call and cold start, against the canned server at `upstream`. */
export async function measureWorkerd(upstream: string): Promise<{ rows: WorkerdRow[]; emptyColdStartMs: number }> {
  const rows: WorkerdRow[] = [];
  const cold = async (script: string) => {
    const times: number[] = [];
    for (let run = 0; run < COLD_RUNS; run++) {
      const mf = await start(script, upstream);
      const started = performance.now();
      await (await mf.dispatchFetch('http://worker/?n=0')).text();
      times.push(performance.now() - started);
      await mf.dispose();
    }
    return median(times);
  };
  // BENCH_WORKERD_ONLY: a pattern of the Workers to measure (all by default), when working on one.
  const only = new RegExp(process.env.BENCH_WORKERD_ONLY ?? '');
  for (const [name, call] of Object.entries(WORKERS).filter(([name]) => only.test(name)) as Array<[WorkerName, string]>) {
    const script = await bundle(call);
    // The median of fresh runtimes: one runtime's figure moves by a tenth from run to run.
    const perCall: number[] = [];
    for (let run = 0; run < CPU_RUNS; run++) {
      const mf = await start(script, upstream);
      await (await mf.dispatchFetch(`http://worker/?n=${WARMUP}`)).text();
      const before = workerdCpuUs();
      await (await mf.dispatchFetch(`http://worker/?n=${CALLS}`)).text();
      perCall.push((workerdCpuUs() - before) / CALLS);
      await mf.dispose();
    }
    rows.push({ name, cpuUsPerCall: median(perCall), bundleBytes: Buffer.byteLength(script), coldStartMs: await cold(script) });
  }
  const emptyColdStartMs = await cold('export default { fetch: () => new Response("0") };');
  return { rows, emptyColdStartMs };
}
