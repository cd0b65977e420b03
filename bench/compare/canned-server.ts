// A tiny loopback server with canned answers for the per-call comparison: no state, no checks,
// the same bytes for every client, so the clients' own cost is what differs. Runs in its own
// process so that its CPU is not counted against the clients.
import { createServer } from 'node:http';
import {
  agoraOk,
  agoraUserList,
  aliyunOk,
  aliyunOnlineUser,
  tencentMemberPage,
  tencentOk,
  vendorOf,
  volcengineOk,
  volcengineStatus,
} from '@rollcall/emulator/wire';

const volcengine = JSON.stringify(
  volcengineOk({ action: 'QueryLiveParticipantStatus', version: '2020-12-01' }, 'bench', {
    Status: Array.from({ length: 200 }, (_, i) => volcengineStatus(1, 1, i + 1, i % 2 === 0 ? 1_700_000_000_000 : null)),
  }).body,
);
const aliyun = JSON.stringify(
  aliyunOk('bench', { OnlineUsers: Array.from({ length: 20 }, (_, i) => aliyunOnlineUser(`u${i}`, i % 2 === 0 ? 1_700_000_000_000 : null)) }).body,
);
const tencent = JSON.stringify(
  tencentOk(
    'bench',
    tencentMemberPage(
      Array.from({ length: 100 }, (_, i) => `m${i}`),
      100,
      '',
    ),
  ).body,
);
// Agora has no official SDK for these REST calls to compare with; its answer keeps the routing total.
const agora = JSON.stringify(
  agoraOk('bench', agoraUserList({ users: Array.from({ length: 100 }, (_, i) => ({ uid: i + 1 })) }, { hostsOnly: false, audienceCap: 10_000 })).body,
);
const answers = { volcengine, aliyun, tencent, agora } as const;

const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    const url = new URL(req.url ?? '/', 'http://x');
    // Routed by URL and headers only: the canned server does not read bodies.
    const body = answers[vendorOf({ method: req.method ?? 'GET', url, headers: req.headers as Record<string, string | undefined>, body: '' }) ?? 'volcengine'];
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  console.log(`http://127.0.0.1:${(server.address() as { port: number }).port}`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
