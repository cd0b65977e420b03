// A loopback stand-in for the vendors' status APIs that enforces each operation's QPS the way the
// limit is stated: at most `qps` calls arriving within any one second. Excess calls get the
// vendor's throttling error. Used by the benchmark until the emulator exists. `GET /__stats`
// returns what it served and throttled; `POST /__reset` clears them.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { operations as aliyunOps } from '@rollcall/aliyun-live';
import { operations as volcOps } from '@rollcall/volcengine-rtc';

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
    if (url.searchParams.get('Action') === 'QueryLiveParticipantStatus') {
      const meta = { RequestId: `r${counters.volcengine.served}`, Action: 'QueryLiveParticipantStatus', Version: '2020-12-01' };
      if (!admit(counters.volcengine, now)) {
        return send(res, 429, { ResponseMetadata: { ...meta, Error: { CodeN: 0, Code: 'FlowLimitExceeded.QPSOverLimit', Message: 'QPS over limit' } } });
      }
      const input = JSON.parse(text);
      return send(res, 200, {
        ResponseMetadata: meta,
        Result: {
          Status: input.ParticipantUserIds.map((id: number) => ({
            AppId: input.AppId,
            ConversationShortId: input.ConversationShortId,
            ParticipantUserId: id,
            IsInConversation: id % 2 === 0,
            CreateTime: id % 2 === 0 ? 1_700_000_000 : 0,
          })),
        },
      });
    }
    if (req.headers['x-acs-action'] === 'BatchGetOnlineUsers') {
      if (!admit(counters.aliyun, now)) {
        return send(res, 400, { RequestId: 'r', Code: 'Throttling.User', Message: 'Request was denied due to user flow control.' });
      }
      const ids = (new URLSearchParams(text).get('UserIds') ?? '').split(',');
      return send(res, 200, {
        RequestId: `r${counters.aliyun.served}`,
        Result: { OnlineUsers: ids.map((id) => ({ UserId: id, Online: id.endsWith('0'), JoinTime: id.endsWith('0') ? 1_700_000_000_000 : 0 })) },
      });
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
