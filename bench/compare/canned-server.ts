// A tiny loopback server with canned answers for the per-call comparison: no state, no checks,
// the same bytes for every client, so the clients' own cost is what differs. Runs in its own
// process so that its CPU is not counted against the clients.
import { createServer } from 'node:http';

const volcengine = JSON.stringify({
  ResponseMetadata: { RequestId: 'bench', Action: 'QueryLiveParticipantStatus', Version: '2020-12-01', Service: 'rtc', Region: 'cn-north-1' },
  Result: {
    Status: Array.from({ length: 200 }, (_, i) => ({
      AppId: 1,
      ConversationShortId: 1,
      ParticipantUserId: i + 1,
      IsInConversation: i % 2 === 0,
      CreateTime: i % 2 === 0 ? 1_700_000_000 : 0,
    })),
  },
});
const aliyun = JSON.stringify({
  RequestId: 'bench',
  Result: { OnlineUsers: Array.from({ length: 20 }, (_, i) => ({ UserId: `u${i}`, Online: i % 2 === 0, JoinTime: i % 2 === 0 ? 1_700_000_000_000 : 0 })) },
});
const tencent = JSON.stringify({
  ActionStatus: 'OK',
  ErrorCode: 0,
  ErrorInfo: '',
  RequestId: 'bench',
  Response: { Next: '', MemberCount: 100, MemberList: Array.from({ length: 100 }, (_, i) => ({ Member_Account: `m${i}` })) },
});

const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    const url = new URL(req.url ?? '/', 'http://x');
    const body = url.pathname.startsWith('/v4/')
      ? tencent
      : (url.searchParams.get('Action') ?? req.headers['x-acs-action']) === 'BatchGetOnlineUsers'
        ? aliyun
        : volcengine;
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  console.log(`http://127.0.0.1:${(server.address() as { port: number }).port}`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
