// The main job on the built-in local default: start a Prism mock per vendor spec, make one typed call
// per operation with the built packages (exactly what a user installs), print the results, stop.
// No cloud account needed. Run with `npm run demo`.
import { createAliyunLiveClient } from '@rollcall/aliyun-live';
import { createTencentLiveClient } from '@rollcall/tencent-live';
import { createVolcengineRtcClient, RollcallError } from '@rollcall/volcengine-rtc';
import { startMockServers } from '../packages/internal/test-support/mock-servers.js';

const servers = await startMockServers();
let failed = false;
try {
  const rtc = createVolcengineRtcClient({
    credentials: { accessKeyId: 'AKLT-demo', secretAccessKey: 'demo-secret' },
    endpoint: servers.urls.volcengine,
  });
  const live = createAliyunLiveClient({
    credentials: { accessKeyId: 'LTAI-demo', accessKeySecret: 'demo-secret' },
    endpoint: servers.urls.aliyun,
  });
  const im = createTencentLiveClient({
    credentials: { sdkAppId: 1400000000, identifier: 'administrator', secretKey: 'demo-secret' },
    endpoint: servers.urls.tencent,
  });

  const calls: Array<[string, () => Promise<{ $metadata: { requestId: string | undefined } }>, (r: any) => string]> = [
    [
      'Volcengine QueryLiveParticipantStatus',
      () => rtc.queryLiveParticipantStatus({ AppId: 0, ConversationShortId: 1, ParticipantUserIds: [10001, 10002, 10003] }),
      (r) => r.Status.map((s: any) => `${s.ParticipantUserId}:${s.IsInConversation ? 'in' : 'out'}`).join(' '),
    ],
    [
      'Volcengine BatchGetConversationParticipant',
      () => rtc.batchGetConversationParticipant({ AppId: 0, ConversationShortId: 1, ParticipantUserIds: [10001, 10002] }),
      (r) => r.Participants.map((p: any) => `${p.ParticipantUserId}:${p.NickName}`).join(' '),
    ],
    [
      'Volcengine GetRoomOnlineUsers',
      () => rtc.getRoomOnlineUsers({ AppId: '661e1234543cf', RoomId: 'Room1' }),
      (r) => `${r.TotalUser} users; visible ${r.VisibleUserList.join(',')}; invisible ${r.InvisibleUserList.join(',')}`,
    ],
    [
      'Alibaba BatchGetOnlineUsers (V3 signature)',
      () => live.batchGetOnlineUsers({ AppId: 'a494caec-0000-695ef345db77', GroupId: '23wcaec-0000695ef', UserIds: ['de1a0', 'hu9'] }),
      (r) => r.OnlineUsers.map((u: any) => `${u.UserId}:${u.Online ? 'online' : 'offline'}`).join(' '),
    ],
    [
      'Tencent get_member_list',
      () => im.getMemberList({ RoomId: 'room_id', Next: '' }),
      (r) => `${r.MemberCount} members: ${r.MemberList.map((m: any) => m.Member_Account).join(', ')}`,
    ],
  ];
  console.log('rollcall demo: typed calls against local Prism mocks of the vendor specs\n');
  const rows: string[][] = [['operation', 'result', 'request id']];
  for (const [name, call, show] of calls) {
    try {
      const result = await call();
      rows.push([name, show(result), result.$metadata.requestId ?? '']);
    } catch (error) {
      failed = true;
      rows.push([name, error instanceof RollcallError ? `${error.name}: ${error.message}` : String(error), '']);
    }
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const [i, row] of rows.entries()) {
    console.log(row.map((cell, j) => cell.padEnd(widths[j]!)).join('  ').trimEnd());
    if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  }
} finally {
  await servers.stop();
}
process.exitCode = failed ? 1 : 0;
