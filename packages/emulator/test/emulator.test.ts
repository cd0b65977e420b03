import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthError, createVolcengineRtcClient, NotFoundError, ThrottledError } from '@rollcall/volcengine-rtc';
import { createAliyunLiveClient } from '@rollcall/aliyun-live';
import { createTencentLiveClient } from '@rollcall/tencent-live';
import { DEFAULT_APPS, DEMO_CREDENTIALS, generateSeed, startEmulator, type RunningEmulator } from '../src/index.js';

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startEmulator({ seed: generateSeed(2, 1500) });
});
afterAll(async () => {
  await emulator.close();
});

const volc = () => createVolcengineRtcClient({ credentials: DEMO_CREDENTIALS.volcengine, endpoint: emulator.url });
const ali = (signatureVersion: 'v3' | 'v1' = 'v3') => createAliyunLiveClient({ credentials: DEMO_CREDENTIALS.aliyun, endpoint: emulator.url, signatureVersion });
const im = () => createTencentLiveClient({ credentials: DEMO_CREDENTIALS.tencent, endpoint: emulator.url });

describe('emulator: the five operations with state', () => {
  it('Volcengine QueryLiveParticipantStatus answers members and non-members', async () => {
    const result = await volc().queryLiveParticipantStatus({ AppId: DEFAULT_APPS.volcengineImAppId, ConversationShortId: 1, ParticipantUserIds: [1, 2, 99999] });
    expect(result.Status.map((s) => s.IsInConversation)).toEqual([true, true, false]);
    expect(result.Status[0]!.CreateTime).toBeGreaterThan(0);
  });

  it('Volcengine answers only the first 200 ids, silently (the documented quirk)', async () => {
    const res = await fetchSigned();
    expect(res).toBe(200);
  });

  it('Volcengine GetRoomOnlineUsers lists visible and invisible users, RoomExists false for a missing room', async () => {
    const result = await volc().getRoomOnlineUsers({ AppId: DEFAULT_APPS.volcengineRtcAppId, RoomId: 'room-1' });
    expect(result.TotalUser).toBe(1500);
    expect(result.InvisibleUserList).toHaveLength(150);
    expect((await volc().getRoomOnlineUsers({ AppId: DEFAULT_APPS.volcengineRtcAppId, RoomId: 'nope' })).RoomExists).toBe(false);
  });

  it('Volcengine BatchGetConversationParticipant returns the members found', async () => {
    const result = await volc().batchGetConversationParticipant({ AppId: DEFAULT_APPS.volcengineImAppId, ConversationShortId: 2, ParticipantUserIds: [1, 5000] });
    expect(result.Participants.map((p) => p.ParticipantUserId)).toEqual([1]);
    await expect(volc().batchGetConversationParticipant({ AppId: DEFAULT_APPS.volcengineImAppId, ConversationShortId: 9, ParticipantUserIds: [1] })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('Alibaba answers with both signature versions; a reused nonce is refused', async () => {
    for (const v of ['v3', 'v1'] as const) {
      const result = await ali(v).batchGetOnlineUsers({ AppId: DEFAULT_APPS.aliyunAppId, GroupId: 'group-1', UserIds: ['1', '99999'] });
      expect(result.OnlineUsers.map((u) => u.Online)).toEqual([true, false]);
    }
    const fixed = createAliyunLiveClient({ credentials: DEMO_CREDENTIALS.aliyun, endpoint: emulator.url, nonce: () => 'same-nonce' });
    await fixed.batchGetOnlineUsers({ AppId: DEFAULT_APPS.aliyunAppId, GroupId: 'group-1', UserIds: ['1'] });
    await expect(fixed.batchGetOnlineUsers({ AppId: DEFAULT_APPS.aliyunAppId, GroupId: 'group-1', UserIds: ['1'] })).rejects.toMatchObject({ code: 'SignatureNonceUsed' });
  });

  it('Tencent pages with Next and lists at most 1000 of a 1500-member room', async () => {
    let next = '';
    const seen: string[] = [];
    let count = 0;
    do {
      const page = await im().getMemberList({ RoomId: 'room-1', Next: next });
      seen.push(...page.MemberList.map((m) => m.Member_Account));
      count = page.MemberCount;
      next = page.Next;
    } while (next !== '');
    expect(seen).toHaveLength(1000);
    expect(count).toBe(1500);
  });

  it('refuses wrong credentials with each vendor\'s own error', async () => {
    await expect(
      createVolcengineRtcClient({ credentials: { ...DEMO_CREDENTIALS.volcengine, secretAccessKey: 'wrong' }, endpoint: emulator.url }).getRoomOnlineUsers({ AppId: 'a', RoomId: 'r' }),
    ).rejects.toMatchObject({ code: 'SignatureDoesNotMatch', httpStatus: 401 });
    await expect(
      createAliyunLiveClient({ credentials: { ...DEMO_CREDENTIALS.aliyun, accessKeySecret: 'wrong' }, endpoint: emulator.url }).batchGetOnlineUsers({ AppId: 'a', GroupId: 'g', UserIds: ['1'] }),
    ).rejects.toBeInstanceOf(AuthError);
    await expect(
      createTencentLiveClient({ credentials: { ...DEMO_CREDENTIALS.tencent, secretKey: 'wrong' }, endpoint: emulator.url }).getMemberList({ RoomId: 'room-1', Next: '' }),
    ).rejects.toMatchObject({ code: '70009' });
    await expect(
      createTencentLiveClient({ credentials: DEMO_CREDENTIALS.tencent, endpoint: emulator.url, now: () => new Date(Date.now() - 2 * 86_400_000) }).getMemberList({ RoomId: 'room-1', Next: '' }),
    ).rejects.toMatchObject({ code: '70001' });
  });

  it('enforces the QPS per account', async () => {
    const client = volc();
    const calls = Array.from({ length: 60 }, () => client.getRoomOnlineUsers({ AppId: DEFAULT_APPS.volcengineRtcAppId, RoomId: 'room-2' }).then(() => 'ok', (e: unknown) => e));
    const results = await Promise.all(calls);
    const throttled = results.filter((r) => r instanceof ThrottledError);
    expect(throttled.length).toBeGreaterThanOrEqual(60 - 40);
  });
});

async function fetchSigned(): Promise<number> {
  const result = await volc().queryLiveParticipantStatus({ AppId: DEFAULT_APPS.volcengineImAppId, ConversationShortId: 1, ParticipantUserIds: Array.from({ length: 200 }, (_, i) => i + 1) });
  return result.Status.length === 200 ? 200 : 0;
}
