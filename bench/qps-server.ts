// A loopback stand-in for the vendors' status APIs that enforces each operation's QPS the way the
// limit is stated: at most `qps` calls arriving within any one second. Excess calls get the
// vendor's throttling error, in the vendors' wire shapes (the emulator's wire module); no signature
// checks, so the benchmark measures pacing alone. `GET /__stats`
// returns what it served and throttled; `POST /__reset` clears them.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { operations as aliyunOps } from '@rollcall/aliyun-live';
import { operations as volcOps } from '@rollcall/volcengine-rtc';
import {
  aliyunFail,
  aliyunOk,
  aliyunOnlineUser,
  routeAliyun,
  routeVolcengine,
  vendorOf,
  volcengineFail,
  volcengineOk,
  volcengineStatus,
  type Reply,
} from '@rollcall/emulator/wire';

interface Counter {
  qps: number;
  arrivals: number[];
  served: number;
  throttled: number;
}

function admit(counter: Counter, now: number): boolean {
  while (counter.arrivals.length && now - counter.arrivals[0]! >= 1000) counter.arrivals.shift();
  if (counter.arrivals.length >= counter.qps) {
    counter.throttled++;
    return false;
  }
  counter.arrivals.push(now);
  counter.served++;
  return true;
}

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const reply = (res: ServerResponse, answer: Reply) => send(res, answer.status, answer.body);

function send(res: ServerResponse, status: number, payload: unknown) {
  const text = JSON.stringify(payload);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export async function startQpsServer() {
  const counters = {
    volcengine: { qps: volcOps.queryLiveParticipantStatus.qps, arrivals: [], served: 0, throttled: 0 } as Counter,
    aliyun: { qps: aliyunOps.batchGetOnlineUsers.qps, arrivals: [], served: 0, throttled: 0 } as Counter,
  };
  const server = createServer(async (req, res) => {
    const now = performance.now();
    const url = new URL(req.url ?? '/', 'http://x');
    const text = await body(req);
    if (url.pathname === '/__stats') return send(res, 200, counters);
    if (url.pathname === '/__reset') {
      for (const c of Object.values(counters)) Object.assign(c, { arrivals: [], served: 0, throttled: 0 });
      return send(res, 200, {});
    }
    const request = { method: req.method ?? 'GET', url, headers: req.headers as Record<string, string | undefined>, body: text };
    const vendor = vendorOf(request);
    if (vendor === 'volcengine') {
      const route = routeVolcengine(request);
      const requestId = `r${counters.volcengine.served}`;
      if (!admit(counters.volcengine, now)) return reply(res, volcengineFail(route, requestId, 'FlowLimitExceeded.QPSOverLimit', 'QPS over limit', 429));
      const input = JSON.parse(text) as { AppId: number; ConversationShortId: number; ParticipantUserIds: number[] };
      const status = input.ParticipantUserIds.map((id) =>
        volcengineStatus(input.AppId, input.ConversationShortId, id, id % 2 === 0 ? 1_700_000_000_000 : null),
      );
      return reply(res, volcengineOk(route, requestId, { Status: status }));
    }
    if (vendor === 'aliyun') {
      if (!admit(counters.aliyun, now)) return reply(res, aliyunFail('r', 400, 'Throttling.User', 'Request was denied due to user flow control.'));
      const ids = (routeAliyun(request).params.UserIds ?? '').split(',');
      return reply(
        res,
        aliyunOk(`r${counters.aliyun.served}`, { OnlineUsers: ids.map((id) => aliyunOnlineUser(id, id.endsWith('0') ? 1_700_000_000_000 : null)) }),
      );
    }
    send(res, 404, { Code: 'NotFound', Message: 'unknown operation' });
  });
  server.keepAliveTimeout = 10_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

// Run as its own process (as a vendor would be): prints its URL, stops on SIGTERM.
if (import.meta.url === `file://${process.argv[1]}`) {
  const { url, close } = await startQpsServer();
  console.log(url);
  process.once('SIGTERM', () => void close().then(() => process.exit(0)));
}
