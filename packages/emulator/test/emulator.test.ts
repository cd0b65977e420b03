// Clients make one attempt here (retry: false): each test is about one exchange; the engine's
// retries are tested in the clients' unit tests and the fault suite.
import { readFile } from 'node:fs/promises';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthError, createVolcengineRtcClient, NotFoundError, ThrottledError } from '@rollcall/volcengine-rtc';
import { createAliyunLiveClient } from '@rollcall/aliyun-live';
import { createTencentLiveClient, createUserSig } from '@rollcall/tencent-live';
import { AuthError as AgoraAuthError, createAgoraRtcClient, operations as agoraOps } from '@rollcall/agora-rtc';
import { operations as volcOps, signVolcengineRequest } from '@rollcall/volcengine-rtc';
import { crypto as nodeCrypto } from '@rollcall/runtime/crypto/node';
import { quotaOf } from '@rollcall/runtime';
import { DEFAULT_APPS, DEMO_CREDENTIALS, generateSeed, startEmulator, worldIds, type RunningEmulator, type Seed } from '../src/index.js';

// Real-shaped: 19-digit live groups, members' ids on both sides of 2^53.
const group1 = worldIds.volcengineGroup(1);
const [member0, member1] = worldIds.users(2);
const outsider = '1847260331999999999';

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startEmulator({ seed: generateSeed(2, 1500) });
});
afterAll(async () => {
  await emulator.close();
});

const volc = () => createVolcengineRtcClient({ retry: false, credentials: DEMO_CREDENTIALS.volcengine, endpoint: emulator.url });
const ali = (signatureVersion: 'v3' | 'v1' = 'v3') =>
  createAliyunLiveClient({ retry: false, credentials: DEMO_CREDENTIALS.aliyun, endpoint: emulator.url, signatureVersion });
const im = () => createTencentLiveClient({ retry: false, credentials: DEMO_CREDENTIALS.tencent, endpoint: emulator.url });

describe('int64 ids, client → emulator → client', () => {
  it('random int64 user ids and live groups round-trip exactly (property)', async () => {
    const int64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
    await fc.assert(
      fc.asyncProperty(int64, fc.uniqueArray(int64, { minLength: 1, maxLength: 20 }), fc.func(fc.boolean()), async (group, users, joined) => {
        const room = String(group);
        const members = users.filter((_, i) => joined(i));
        emulator.world.rooms['volcengine-im'].set(room, new Map());
        for (const id of members) emulator.world.join('volcengine-im', room, { userId: String(id), joinedAt: 1_700_000_000_000 });
        try {
          // Each id in one of the forms a caller may hold it in: a bigint, a decimal string, a safe number.
          const asked = users.map((id, i) => (i % 3 === 0 ? id : i % 3 === 1 || !Number.isSafeInteger(Number(id)) ? String(id) : Number(id)));
          const result = await volc().queryLiveParticipantStatus(
            { AppId: DEFAULT_APPS.volcengineImAppId, ConversationShortId: group, ParticipantUserIds: asked },
            { retry: false },
          );
          expect(result.Status.map((s) => [s.ConversationShortId, s.ParticipantUserId, s.IsInConversation])).toEqual(
            users.map((id) => [room, String(id), members.includes(id)]),
          );
        } finally {
          emulator.world.rooms['volcengine-im'].delete(room);
        }
      }),
      { numRuns: 60 },
    );
  });
});

describe('emulator: the five operations with state', () => {
  it('Volcengine QueryLiveParticipantStatus answers members and non-members', async () => {
    const result = await volc().queryLiveParticipantStatus({
      AppId: DEFAULT_APPS.volcengineImAppId,
      ConversationShortId: group1,
      ParticipantUserIds: [BigInt(member0!), member1!, outsider],
    });
    expect(result.Status.map((s) => [s.ConversationShortId, s.ParticipantUserId, s.IsInConversation])).toEqual([
      [group1, member0, true],
      [group1, member1, true],
      [group1, outsider, false],
    ]);
    expect(Number(result.Status[0]!.CreateTime)).toBeGreaterThan(0);
  });

  it('Volcengine string user ids: ParticipantUserIdsStr, answered under ParticipantUserIdStr; integer and string members kept apart', async () => {
    const result = await volc().queryLiveParticipantStatus({
      AppId: DEFAULT_APPS.volcengineImAppId,
      ConversationShortId: group1,
      ParticipantUserIds: [member0!],
      ParticipantUserIdsStr: ['user1', member0!, 'nobody'],
    });
    expect(result.Status.map((s) => [s.ParticipantUserId, s.ParticipantUserIdStr ?? null, s.IsInConversation])).toEqual([
      [member0, null, true],
      ['0', 'user1', true],
      ['0', member0, false],
      ['0', 'nobody', false],
    ]);
  });

  it('Volcengine: a version the spec does not list is InvalidActionOrVersion with its gateway CodeN and status', async () => {
    const query: Array<[string, string]> = [
      ['Action', 'GetRoomOnlineUsers'],
      ['AppId', DEFAULT_APPS.volcengineRtcAppId],
      ['RoomId', 'room-1'],
      ['Version', '2020-12-01'],
    ];
    const signed = await signVolcengineRequest(nodeCrypto, {
      method: 'GET',
      pathname: '/',
      query,
      headers: {},
      region: 'cn-north-1',
      service: 'rtc',
      credentials: DEMO_CREDENTIALS.volcengine,
      date: new Date(),
    });
    const response = await fetch(`${emulator.url}/?${signed.canonicalQuery}`, { headers: signed.headers });
    const answer = await response.json();
    expect(response.status).toBe(404);
    expect(answer.ResponseMetadata).toMatchObject({ Action: 'GetRoomOnlineUsers', Version: '2020-12-01', Service: 'rtc', Region: 'cn-north-1' });
    expect(answer.ResponseMetadata.Error).toMatchObject({ CodeN: 100008, Code: 'InvalidActionOrVersion' });
  });

  it('Volcengine answers only the first 200 ids, silently (the documented quirk)', async () => {
    // Sent past the client, which refuses more than 200 ids: signed by hand.
    const body = `{"AppId":${DEFAULT_APPS.volcengineImAppId},"ConversationShortId":${group1},"ParticipantUserIds":[${worldIds.users(250).join(',')}]}`;
    const query: Array<[string, string]> = [
      ['Action', 'QueryLiveParticipantStatus'],
      ['Version', '2020-12-01'],
    ];
    const signed = await signVolcengineRequest(nodeCrypto, {
      method: 'POST',
      pathname: '/',
      query,
      headers: { 'content-type': 'application/json' },
      body,
      region: 'cn-north-1',
      service: 'rtc',
      credentials: DEMO_CREDENTIALS.volcengine,
      date: new Date(),
    });
    const response = await fetch(`${emulator.url}/?${signed.canonicalQuery}`, { method: 'POST', headers: signed.headers, body });
    const text = await response.text();
    const answer = JSON.parse(text);
    expect(response.status).toBe(200);
    expect(answer.Result.Status).toHaveLength(200);
    // The 19-digit ids on the wire as bare numbers, exactly.
    expect(text).toContain(`"ConversationShortId":${group1},"ParticipantUserId":${member0},`);
  });

  it('injects faults from start options and the admin API', async () => {
    const faulty = await startEmulator({ seed: generateSeed(1, 10), faults: [{ operation: 'GetMemberList', kind: 'error', times: 1 }], qps: 'off' });
    try {
      const client = createTencentLiveClient({ retry: false, credentials: DEMO_CREDENTIALS.tencent, endpoint: faulty.url });
      await expect(client.getMemberList({ RoomId: 'room-1', Next: '' })).rejects.toMatchObject({ httpStatus: 502, retryable: true });
      expect((await client.getMemberList({ RoomId: 'room-1', Next: '' })).MemberCount).toBe(10);
      const cases: Array<[string, (e: unknown) => void]> = [
        ['throttle', (e) => expect(e).toBeInstanceOf(ThrottledError)],
        ['malformed', (e) => expect(e).toMatchObject({ name: 'ResponseValidationError' })],
        ['truncated', (e) => expect(e).toMatchObject({ name: 'ResponseValidationError' })],
        ['reset', (e) => expect(e).toMatchObject({ name: 'ConnectionError' })],
      ];
      const rtc = createVolcengineRtcClient({ retry: false, credentials: DEMO_CREDENTIALS.volcengine, endpoint: faulty.url });
      for (const [kind, check] of cases) {
        const set = await fetch(`${faulty.url}/__admin/faults`, {
          method: 'POST',
          body: JSON.stringify({ rules: [{ operation: 'GetRoomOnlineUsers', kind, times: 1 }] }),
        });
        expect(set.status).toBe(200);
        check(await rtc.getRoomOnlineUsers({ AppId: DEFAULT_APPS.volcengineRtcAppId, RoomId: 'room-1' }).catch((e: unknown) => e));
      }
      await fetch(`${faulty.url}/__admin/faults`, {
        method: 'POST',
        body: JSON.stringify({ rules: [{ operation: '*', kind: 'latency', latencyMs: 300, times: 1 }] }),
      });
      const started = Date.now();
      const late = await rtc.getRoomOnlineUsers({ AppId: DEFAULT_APPS.volcengineRtcAppId, RoomId: 'room-1' }, { timeoutMs: 100 }).catch((e: unknown) => e);
      expect(late).toMatchObject({ name: 'TimeoutError', timeoutMs: 100 });
      expect(Date.now() - started).toBeLessThan(300);
    } finally {
      await faulty.close();
    }
  });

  it('members join and leave through the admin API', async () => {
    const ali = createAliyunLiveClient({ retry: false, credentials: DEMO_CREDENTIALS.aliyun, endpoint: emulator.url });
    const ask = async () => (await ali.batchGetOnlineUsers({ AppId: DEFAULT_APPS.aliyunAppId, GroupId: 'new-group', UserIds: ['u-1'] })).OnlineUsers[0]!.Online;
    expect(await ask()).toBe(false);
    await fetch(`${emulator.url}/__admin/join`, { method: 'POST', body: JSON.stringify({ space: 'aliyun', room: 'new-group', userId: 'u-1' }) });
    expect(await ask()).toBe(true);
    await fetch(`${emulator.url}/__admin/leave`, { method: 'POST', body: JSON.stringify({ space: 'aliyun', room: 'new-group', userId: 'u-1' }) });
    expect(await ask()).toBe(false);
  });

  it('Volcengine GetRoomOnlineUsers lists visible and invisible users, RoomExists false for a missing room', async () => {
    const result = await volc().getRoomOnlineUsers({ AppId: DEFAULT_APPS.volcengineRtcAppId, RoomId: 'room-1' });
    expect(result.TotalUser).toBe(1500);
    expect(result.InvisibleUserList).toHaveLength(150);
    expect((await volc().getRoomOnlineUsers({ AppId: DEFAULT_APPS.volcengineRtcAppId, RoomId: 'nope' })).RoomExists).toBe(false);
  });

  it('Volcengine BatchGetConversationParticipant returns the members found', async () => {
    const result = await volc().batchGetConversationParticipant({
      AppId: DEFAULT_APPS.volcengineImAppId,
      ConversationShortId: worldIds.volcengineGroup(2),
      ParticipantUserIds: [member0!, outsider],
    });
    expect(result.Participants.map((p) => p.ParticipantUserId)).toEqual([member0]);
    // Added by the group's owner, the first member: a user id beyond 2^53, exact.
    expect(result.Participants[0]!.Operator).toBe(member0);
    await expect(
      volc().batchGetConversationParticipant({
        AppId: DEFAULT_APPS.volcengineImAppId,
        ConversationShortId: worldIds.volcengineGroup(9),
        ParticipantUserIds: [member0!],
      }),
    ).rejects.toBeInstanceOf(NotFoundError);
  });

  it('Alibaba answers with both signature versions; a reused nonce is refused', async () => {
    for (const v of ['v3', 'v1'] as const) {
      const result = await ali(v).batchGetOnlineUsers({ AppId: DEFAULT_APPS.aliyunAppId, GroupId: 'group-1', UserIds: [member0!, outsider] });
      expect(result.OnlineUsers.map((u) => u.Online)).toEqual([true, false]);
    }
    const fixed = createAliyunLiveClient({ retry: false, credentials: DEMO_CREDENTIALS.aliyun, endpoint: emulator.url, nonce: () => 'same-nonce' });
    await fixed.batchGetOnlineUsers({ AppId: DEFAULT_APPS.aliyunAppId, GroupId: 'group-1', UserIds: [member0!] });
    await expect(fixed.batchGetOnlineUsers({ AppId: DEFAULT_APPS.aliyunAppId, GroupId: 'group-1', UserIds: [member0!] })).rejects.toMatchObject({
      code: 'SignatureNonceUsed',
    });
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

  it('Tencent: an international app (SDKAppID below 1400000000) is served beside the China one, each with its own key', async () => {
    const international = DEMO_CREDENTIALS.tencentInternational!;
    expect(international.sdkAppId).toBeLessThan(1_400_000_000);
    const page = await createTencentLiveClient({ retry: false, credentials: international, endpoint: emulator.url }).getMemberList({
      RoomId: 'room-1',
      Next: '',
    });
    expect(page.MemberList[0]!.Member_Account).toBe(member0);
    // The China app's key does not sign for the international app.
    await expect(
      createTencentLiveClient({
        retry: false,
        credentials: { ...international, secretKey: DEMO_CREDENTIALS.tencent.secretKey },
        endpoint: emulator.url,
      }).getMemberList({
        RoomId: 'room-1',
        Next: '',
      }),
    ).rejects.toMatchObject({ code: '70009' });
  });

  it("refuses wrong credentials with each vendor's own error", async () => {
    await expect(
      createVolcengineRtcClient({
        retry: false,
        credentials: { ...DEMO_CREDENTIALS.volcengine, secretAccessKey: 'wrong' },
        endpoint: emulator.url,
      }).getRoomOnlineUsers({
        AppId: 'a',
        RoomId: 'r',
      }),
    ).rejects.toMatchObject({ code: 'SignatureDoesNotMatch', httpStatus: 401 });
    await expect(
      createAliyunLiveClient({
        retry: false,
        credentials: { ...DEMO_CREDENTIALS.aliyun, accessKeySecret: 'wrong' },
        endpoint: emulator.url,
      }).batchGetOnlineUsers({
        AppId: 'a',
        GroupId: 'g',
        UserIds: [member0!],
      }),
    ).rejects.toBeInstanceOf(AuthError);
    await expect(
      createTencentLiveClient({ retry: false, credentials: { ...DEMO_CREDENTIALS.tencent, secretKey: 'wrong' }, endpoint: emulator.url }).getMemberList({
        RoomId: 'room-1',
        Next: '',
      }),
    ).rejects.toMatchObject({ code: '70009' });
    // A UserSig the caller gave, issued two days ago for one: expired. (One the client issues on a
    // clock behind is corrected by the answer's Date instead: the fault suite's clock cases.)
    const { identifier, sdkAppId, secretKey } = DEMO_CREDENTIALS.tencent;
    const userSig = await createUserSig(nodeCrypto, {
      sdkAppId,
      identifier,
      secretKey,
      expireSeconds: 86_400,
      nowUnix: Math.floor(Date.now() / 1000) - 2 * 86_400,
    });
    await expect(
      createTencentLiveClient({ retry: false, credentials: { sdkAppId, identifier, userSig }, endpoint: emulator.url }).getMemberList({
        RoomId: 'room-1',
        Next: '',
      }),
    ).rejects.toMatchObject({ name: 'AuthError', code: '70001' });
  });

  it('counts a quota a parameter selects apart: GetRoomOnlineUsers with Property true at QPS 1, beside the 40 of plain listings', async () => {
    // A stopped clock: every request arrives in the same instant, whatever the machine's speed.
    const instant = Date.now();
    const limited = await startEmulator({ seed: generateSeed(1, 10), now: () => instant });
    try {
      const rtc = createVolcengineRtcClient({ retry: false, credentials: DEMO_CREDENTIALS.volcengine, endpoint: limited.url });
      const room = { AppId: DEFAULT_APPS.volcengineRtcAppId, RoomId: 'room-1' };
      const rule = volcOps.getRoomOnlineUsers.qpsWhen[0];
      expect(quotaOf(volcOps.getRoomOnlineUsers, { ...room, Property: true })).toEqual({ key: 'GetRoomOnlineUsers?Property=true', qps: rule.qps });
      const outcome = (p: Promise<unknown>) =>
        p.then(
          () => 'ok',
          (e: unknown) => (e instanceof ThrottledError ? 'throttled' : e),
        );
      const detailed = [];
      for (let i = 0; i < rule.qps + 2; i++) detailed.push(await outcome(rtc.getRoomOnlineUsers({ ...room, Property: true, RoleType: 1 })));
      expect(detailed).toEqual([...Array(rule.qps).fill('ok'), 'throttled', 'throttled']);
      // The plain listing's quota is untouched by them, and the reverse.
      const plain = [];
      for (let i = 0; i < volcOps.getRoomOnlineUsers.qps + 1; i++) plain.push(await outcome(rtc.getRoomOnlineUsers({ ...room, Property: false })));
      expect(plain).toEqual([...Array(volcOps.getRoomOnlineUsers.qps).fill('ok'), 'throttled']);
      expect(limited.stats().GetRoomOnlineUsers).toMatchObject({ served: rule.qps + volcOps.getRoomOnlineUsers.qps, throttled: 3 });
    } finally {
      await limited.close();
    }
  });

  it("enforces each operation's QPS per account, with the vendor's throttling answer", async () => {
    const limited = await startEmulator({ seed: generateSeed(1, 10) });
    try {
      const rtc = createVolcengineRtcClient({ retry: false, credentials: DEMO_CREDENTIALS.volcengine, endpoint: limited.url });
      const qps = 40; // GetRoomOnlineUsers, from the operation table
      const results = await Promise.all(
        Array.from({ length: qps + 15 }, () =>
          rtc.getRoomOnlineUsers({ AppId: DEFAULT_APPS.volcengineRtcAppId, RoomId: 'room-1' }).then(
            () => 'ok',
            (e: unknown) => e,
          ),
        ),
      );
      expect(results.filter((r) => r === 'ok')).toHaveLength(qps);
      expect(results.filter((r) => r instanceof ThrottledError)).toHaveLength(15);
      expect(limited.stats().GetRoomOnlineUsers).toMatchObject({ served: qps, throttled: 15 });
      // Another operation has its own quota.
      await expect(
        rtc.queryLiveParticipantStatus({ AppId: DEFAULT_APPS.volcengineImAppId, ConversationShortId: group1, ParticipantUserIds: [member0!] }),
      ).resolves.toBeDefined();
    } finally {
      await limited.close();
    }
  });

  it('Agora: Basic auth checked (wrong secret, unknown App ID: 401), Content-Type must be JSON when sent, X-Request-ID on every answer', async () => {
    const appid = DEFAULT_APPS.agoraAppId;
    const wrong = createAgoraRtcClient({ retry: false, credentials: { ...DEMO_CREDENTIALS.agora, customerSecret: 'nope' }, endpoint: emulator.url });
    await expect(wrong.queryChannelList({ appid })).rejects.toMatchObject({ httpStatus: 401, code: 'HTTP_401', requestId: expect.stringMatching(/^emu-/) });
    const agora = createAgoraRtcClient({ retry: false, credentials: DEMO_CREDENTIALS.agora, endpoint: emulator.url });
    await expect(agora.queryChannelList({ appid: 'not-this-project' })).rejects.toBeInstanceOf(AgoraAuthError);
    const authorization = `Basic ${Buffer.from(`${DEMO_CREDENTIALS.agora.customerId}:${DEMO_CREDENTIALS.agora.customerSecret}`).toString('base64')}`;
    const asText = await fetch(`${emulator.url}/dev/v1/channel/${appid}`, { headers: { authorization, 'content-type': 'text/plain' } });
    expect(asText.status).toBe(415);
    // The official samples send no Content-Type on GETs: accepted.
    const bare = await fetch(`${emulator.url}/dev/v1/channel/${appid}?page_size=1`, { headers: { authorization } });
    expect(bare.status).toBe(200);
    expect(bare.headers.get('x-request-id')).toMatch(/^emu-/);
    expect(((await bare.json()) as { data: { total_size: number } }).data.total_size).toBe(2);
    const badPage = await fetch(`${emulator.url}/dev/v1/channel/${appid}?page_size=501`, { headers: { authorization } });
    expect(badPage.status).toBe(400);
    await expect(agora.queryUserStatus({ appid, uid: Number(worldIds.agoraUid(0)), channelName: 'channel-1' })).resolves.toMatchObject({
      in_channel: true,
      role: 1,
    });
    const statusRequest = await fetch(`${emulator.url}/dev/v1/channel/user/property/${appid}/abc/channel-1`, { headers: { authorization } });
    expect(statusRequest.status).toBe(400);
  });

  it("Agora: 20 queries per second per account and operation, 429 beyond (the operation table's figure)", async () => {
    const limited = await startEmulator({ seed: generateSeed(1, 10) });
    try {
      const agora = createAgoraRtcClient({ retry: false, credentials: DEMO_CREDENTIALS.agora, endpoint: limited.url });
      const qps = agoraOps.queryUserList.qps;
      const results = await Promise.all(
        Array.from({ length: qps + 7 }, () =>
          agora.queryUserList({ appid: DEFAULT_APPS.agoraAppId, channelName: 'channel-1' }).then(
            () => 'ok',
            (e: unknown) => (e as { httpStatus?: number }).httpStatus,
          ),
        ),
      );
      expect(results.filter((r) => r === 'ok')).toHaveLength(qps);
      expect(results.filter((r) => r === 429)).toHaveLength(7);
      expect(limited.stats().QueryUserList).toMatchObject({ served: qps, throttled: 7 });
      await expect(agora.queryChannelList({ appid: DEFAULT_APPS.agoraAppId })).resolves.toMatchObject({ total_size: 1 });
    } finally {
      await limited.close();
    }
  });
});

describe('the seed file of the README', () => {
  it('is a Seed as typed (joinedAt optional): a member without it joins when the world is made', async () => {
    // The README's own seed, verbatim: it must type-check as the Seed it documents.
    const seed: Seed = {
      volcengine: {
        imAppId: 583401,
        conversations: { '7226277271248584971': [{ userId: '1847260331508621312', joinedAt: 1736928000000 }] },
        rtcAppId: 'emulator-rtc-app',
        rooms: { Room1: [{ userId: 'alice' }, { userId: 'bob', invisible: true }] },
      },
      aliyun: { appId: 'emulator-app', groups: { 'group-1': [{ userId: 'u1', joinedAt: 1736928000000 }] } },
      tencent: { rooms: { 'room-1': [{ userId: 'brennan1' }, { userId: 'tandy' }] } },
      agora: {
        appId: 'emulator-agora-app',
        channels: {
          talk: [{ userId: '906218805' }],
          stage: [
            { userId: '2845863044', agoraRole: 'host' },
            { userId: '7', agoraRole: 'audience' },
          ],
        },
      },
    };
    // … and verbatim it is: the README's block, parsed, is this very seed.
    const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
    expect(JSON.parse(/```json\n([\s\S]*?)\n```/.exec(readme)![1]!)).toEqual(seed);
    const at = 1_764_000_000_000;
    const seeded = await startEmulator({ seed, now: () => at });
    try {
      expect(seeded.world.rooms['volcengine-rtc'].get('Room1')?.get('alice')?.joinedAt).toBe(at);
      expect(seeded.world.rooms['volcengine-im'].get('7226277271248584971')?.get('1847260331508621312')?.joinedAt).toBe(1736928000000);
    } finally {
      await seeded.close();
    }
  });
});
