// A tiny loopback server with canned answers for the per-call comparison: no state, no checks,
// the same bytes for every client, so the clients' own cost is what differs. Runs in its own
// process so that its CPU is not counted against the clients.
import { createServer } from 'node:http';
import {
  agoraOk,
  agoraUserList,
  aliyunOk,
  aliyunOnlineUser,
  replyText,
  tencentMemberPage,
  tencentOk,
  vendorOf,
  volcengineOk,
  volcengineStatus,
} from '@rollcall/emulator/wire';
import { VOLC_GROUP_ID, VOLC_IM_APP_ID, VOLC_USER_IDS } from './ids.js';

const volcengine = replyText(
  volcengineOk({ action: 'QueryLiveParticipantStatus', version: '2020-12-01' }, 'bench', {
    // Real-shaped: a 19-digit live group, snowflake user ids beyond 2^53 (clients.ts asks for them).
    Status: VOLC_USER_IDS.map((id, i) => volcengineStatus(VOLC_IM_APP_ID, VOLC_GROUP_ID, BigInt(id), i % 2 === 0 ? 1_700_000_000_000 : null)),
  }),
);
const aliyun = replyText(
  aliyunOk('bench', { OnlineUsers: Array.from({ length: 20 }, (_, i) => aliyunOnlineUser(`u${i}`, i % 2 === 0 ? 1_700_000_000_000 : null)) }),
);
const tencent = replyText(
  tencentOk(
    'bench',
    tencentMemberPage(
      Array.from({ length: 100 }, (_, i) => `m${i}`),
      100,
      '',
    ),
  ),
);
// Agora has no official SDK for these REST calls to compare with; its answer keeps the routing total.
const agora = replyText(
  agoraOk('bench', agoraUserList({ users: Array.from({ length: 100 }, (_, i) => ({ uid: i + 1 })) }, { hostsOnly: false, audienceCap: 10_000 })),
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
