// The emulator held to the specs: every operation, its successes and its errors, through
// `prism proxy <spec> <emulator> --errors`, which fails any request or answer that breaks the spec.
// Clients make one attempt here (retry: false): each test is about one exchange; the engine's
// retries are tested in the clients' unit tests and the fault suite.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthError as AgoraAuthError, createAgoraRtcClient, ThrottledError as AgoraThrottledError } from '@rollcall/agora-rtc';
import { createAliyunLiveClient } from '@rollcall/aliyun-live';
import { createTencentLiveClient } from '@rollcall/tencent-live';
import { createVolcengineRtcClient, InvalidParameterError, NotFoundError, ThrottledError } from '@rollcall/volcengine-rtc';
import { prismFetch } from '@rollcall/test-support/contract';
import { startSpecProxies, type MockServers } from '@rollcall/test-support/mock-servers';
import { DEFAULT_APPS, DEMO_CREDENTIALS, generateSeed, startEmulator, worldIds, type RunningEmulator, type Seed } from '../src/index.js';

// Prism checks int64s only within JavaScript's safe range (its int64 format): here, and only here,
// Volcengine's live groups and IM users are real-shaped ids below 2^53 (ten digits and more); the
// 19-digit ones are tested against the emulator directly and through the vendors' own clients.
const below2to53 = (i: number) => worldIds.user(2 * i + 1);
const safeGroup = (r: number) => String(6_812_345_670_000 + r);
function seedWithSafeVolcengineIds(seed: Seed): Seed {
  const conversations = Object.values(seed.volcengine!.conversations!).map((members, r) => [
    safeGroup(r + 1),
    members.filter((m) => m.stringId || Number.isSafeInteger(Number(m.userId))),
  ]);
  return { ...seed, volcengine: { ...seed.volcengine, conversations: Object.fromEntries(conversations) } };
}
const [user0, user1] = [below2to53(0), below2to53(1)];
const [uid0, uid1, uid2] = worldIds.agoraUids(3).map(Number);

let emulator: RunningEmulator;
let proxies: MockServers;
const prism = prismFetch();

beforeAll(async () => {
  // The proxies rewrite requests (pseudo paths), so signatures cannot be checked here; the
  // signature tests do that directly.
  emulator = await startEmulator({ seed: seedWithSafeVolcengineIds(generateSeed(2, 1200)), checkSignatures: false, tencentPageSize: 500 });
  proxies = await startSpecProxies(emulator.url);
}, 120_000);

afterAll(async () => {
  await proxies?.stop();
  await emulator?.close();
});

function clean() {
  const seen = prism.exchanges.splice(0);
  expect(seen.length).toBeGreaterThan(0);
  for (const exchange of seen) expect(exchange.violations).toBeNull();
  return seen;
}

describe('Volcengine through the spec proxy', () => {
  const rtc = () =>
    createVolcengineRtcClient({ retry: false, credentials: DEMO_CREDENTIALS.volcengine, endpoint: proxies.urls.volcengine, fetch: prism.fetch });

  it('QueryLiveParticipantStatus, BatchGetConversationParticipant, GetRoomOnlineUsers', async () => {
    const status = await rtc().queryLiveParticipantStatus({
      AppId: DEFAULT_APPS.volcengineImAppId,
      ConversationShortId: safeGroup(1),
      ParticipantUserIds: [user0, user1, '6812349999'],
    });
    expect(status.Status.map((s) => s.IsInConversation)).toEqual([true, true, false]);
    const details = await rtc().batchGetConversationParticipant({
      AppId: DEFAULT_APPS.volcengineImAppId,
      ConversationShortId: safeGroup(2),
      ParticipantUserIds: [user0, user1],
    });
    expect(details.Participants).toHaveLength(2);
    const room = await rtc().getRoomOnlineUsers({ AppId: DEFAULT_APPS.volcengineRtcAppId, RoomId: 'room-1' });
    expect(room.TotalUser).toBe(1200);
    expect((await rtc().getRoomOnlineUsers({ AppId: DEFAULT_APPS.volcengineRtcAppId, RoomId: 'missing' })).RoomExists).toBe(false);
    clean();
  });

  it('its errors match the spec too', async () => {
    await expect(
      rtc().queryLiveParticipantStatus({ AppId: DEFAULT_APPS.volcengineImAppId, ConversationShortId: safeGroup(99), ParticipantUserIds: [user0] }),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(rtc().getRoomOnlineUsers({ AppId: 'other-app', RoomId: 'room-1' })).rejects.toBeInstanceOf(InvalidParameterError);
    emulator.setFaults([{ operation: 'QueryLiveParticipantStatus', kind: 'throttle', times: 1 }]);
    await expect(
      rtc().queryLiveParticipantStatus({ AppId: DEFAULT_APPS.volcengineImAppId, ConversationShortId: safeGroup(1), ParticipantUserIds: [user0] }),
    ).rejects.toBeInstanceOf(ThrottledError);
    clean();
  });
});

describe('Alibaba through the spec proxy', () => {
  it.each(['v3', 'v1'] as const)('BatchGetOnlineUsers, %s signature, success and errors', async (signatureVersion) => {
    const live = createAliyunLiveClient({
      retry: false,
      credentials: DEMO_CREDENTIALS.aliyun,
      endpoint: proxies.urls.aliyun,
      fetch: prism.fetch,
      signatureVersion,
    });
    const result = await live.batchGetOnlineUsers({ AppId: DEFAULT_APPS.aliyunAppId, GroupId: 'group-1', UserIds: [worldIds.user(0), '1847260331999999999'] });
    expect(result.OnlineUsers.map((u) => u.Online)).toEqual([true, false]);
    await expect(live.batchGetOnlineUsers({ AppId: 'someone-else', GroupId: 'group-1', UserIds: [worldIds.user(0)] })).rejects.toMatchObject({
      code: 'Forbidden',
      httpStatus: 403,
    });
    emulator.setFaults([{ operation: 'BatchGetOnlineUsers', kind: 'error', times: 1 }]);
    await expect(live.batchGetOnlineUsers({ AppId: DEFAULT_APPS.aliyunAppId, GroupId: 'group-1', UserIds: [worldIds.user(0)] })).rejects.toMatchObject({
      code: 'ServiceUnavailable',
      httpStatus: 503,
    });
    clean();
  });
});

describe('Tencent through the spec proxy', () => {
  it('get_member_list across pages, the cap, and a missing room', async () => {
    const im = createTencentLiveClient({ retry: false, credentials: DEMO_CREDENTIALS.tencent, endpoint: proxies.urls.tencent, fetch: prism.fetch });
    let next = '';
    let members = 0;
    do {
      const page = await im.getMemberList({ RoomId: 'room-1', Next: next });
      members += page.MemberList.length;
      next = page.Next;
    } while (next);
    expect(members).toBe(1000);
    await expect(im.getMemberList({ RoomId: 'missing', Next: '' })).rejects.toBeInstanceOf(NotFoundError);
    clean();
  });
});

describe('Agora through the spec proxy', () => {
  const agora = () => createAgoraRtcClient({ retry: false, credentials: DEMO_CREDENTIALS.agora, endpoint: proxies.urls.agora, fetch: prism.fetch });
  const appid = DEFAULT_APPS.agoraAppId;

  it('user status, both channel profiles, hosts only, a missing channel, the channel list', async () => {
    expect(await agora().queryUserStatus({ appid, uid: uid2!, channelName: 'channel-2' })).toMatchObject({ in_channel: true, uid: uid2, role: 3 });
    expect(await agora().queryUserStatus({ appid, uid: uid2!, channelName: 'channel-1' })).toMatchObject({ in_channel: true, role: 1 });
    const absent = await agora().queryUserStatus({ appid, uid: 4_000_000_000, channelName: 'channel-1' });
    expect(absent.in_channel).toBe(false);
    const communication = await agora().queryUserList({ appid, channelName: 'channel-1' });
    expect(communication).toMatchObject({ channel_exist: true, mode: 1, total: 1200 });
    const live = await agora().queryUserList({ appid, channelName: 'channel-2' });
    expect(live).toMatchObject({ channel_exist: true, mode: 2, broadcasters: [uid0, uid1], audience_total: 1198 });
    expect(await agora().queryHostList({ appid, channelName: 'channel-2' })).toMatchObject({ mode: 2, broadcasters: [uid0, uid1] });
    expect(await agora().queryUserList({ appid, channelName: 'channel-2', hosts_only: '1' })).not.toHaveProperty('audience');
    expect((await agora().queryUserList({ appid, channelName: 'missing' })).channel_exist).toBe(false);
    const channels = await agora().queryChannelList({ appid, page_no: 0, page_size: 1 });
    expect(channels).toMatchObject({ total_size: 2, channels: [{ user_count: 1200 }] });
    clean();
  });

  it('its errors match the spec too', async () => {
    await expect(agora().queryUserList({ appid: 'another-app', channelName: 'channel-1' })).rejects.toBeInstanceOf(AgoraAuthError);
    emulator.setFaults([{ operation: 'QueryUserList', kind: 'throttle', times: 1 }]);
    await expect(agora().queryUserList({ appid, channelName: 'channel-1' })).rejects.toBeInstanceOf(AgoraThrottledError);
    clean();
  });
});

describe('the spec proxy itself', () => {
  it('does catch what breaks the spec (so the clean runs above mean something)', async () => {
    prism.tamper(async (request) => {
      const body = JSON.parse(await request.text());
      body.ParticipantUserIds = ['not-a-number'];
      return new Request(request.url, { method: request.method, headers: request.headers, body: JSON.stringify(body) });
    });
    try {
      const rtc = createVolcengineRtcClient({ retry: false, credentials: DEMO_CREDENTIALS.volcengine, endpoint: proxies.urls.volcengine, fetch: prism.fetch });
      const error = await rtc
        .queryLiveParticipantStatus({ AppId: DEFAULT_APPS.volcengineImAppId, ConversationShortId: safeGroup(1), ParticipantUserIds: [user0] })
        .catch((e: unknown) => e);
      const [exchange] = prism.exchanges.splice(0);
      // prism proxy --errors answers a violation itself, with 422 problem+json naming it.
      expect(exchange!.status).toBe(422);
      expect(error).toMatchObject({ httpStatus: 422, vendorMessage: expect.stringMatching(/Invalid request|violation|ParticipantUserIds/i) });
    } finally {
      prism.tamper(null);
    }
  });
});
