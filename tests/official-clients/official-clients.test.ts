// The vendors' own clients against the emulator. Each one's requests are recorded on the way in (a
// forwarding hop in front of the emulator), so every test states which request style it sent —
// V3 with x-acs-action, V1 in the query, V1 in a POST form body — and then checks the answer the
// client parsed, id by id.
import { createServer, request as httpRequest, type Server } from 'node:http';
import RPCClient from '@alicloud/pop-core';
import * as $OpenApi from '@alicloud/openapi-client';
import * as $Util from '@alicloud/tea-util';
import { Service, Signer } from '@volcengine/openapi';
import { createVolcengineRtcClient } from '@rollcall/volcengine-rtc';
// @ts-expect-error tls-sig-api-v2 ships no types
import TLSSigAPIv2 from 'tls-sig-api-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_APPS, DEMO_CREDENTIALS, startEmulator, type RunningEmulator } from '@rollcall/emulator';
import { wire } from '@rollcall/emulator/wire';

interface Seen {
  method: string;
  url: URL;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

const JOINED = 1_700_000_000_000;
const BIG_GROUP = '7226277271248584971';
const BIG_USERS = ['1847260331508621312', '9007199254740993', '1847260331512815616'];
const credentials = DEMO_CREDENTIALS;
let emulator: RunningEmulator;
let front: Server;
let base: string;
const seen: Seen[] = [];
const last = () => seen[seen.length - 1]!;

beforeAll(async () => {
  emulator = await startEmulator({
    seed: {
      volcengine: {
        conversations: {
          '7': [
            { userId: '2', joinedAt: JOINED, role: 1, nickname: 'owner' },
            { userId: 'alice', joinedAt: JOINED },
            { userId: '42', joinedAt: JOINED, stringId: true },
          ],
          // A live group as real traffic has it: a 19-digit id, snowflake members beyond 2^53.
          [BIG_GROUP]: [
            { userId: BIG_USERS[0]!, joinedAt: JOINED, role: 1 },
            { userId: BIG_USERS[1]!, joinedAt: JOINED },
          ],
        },
        rooms: {
          'room-1': [
            { userId: 'v1', joinedAt: JOINED },
            { userId: 'i1', joinedAt: JOINED, invisible: true },
          ],
        },
      },
      aliyun: { groups: { g1: [{ userId: 'a', joinedAt: JOINED }] } },
      tencent: {
        rooms: {
          'room-1': [
            { userId: 'm1', joinedAt: JOINED },
            { userId: 'm2', joinedAt: JOINED },
          ],
        },
      },
    },
  });
  // Records each request, then forwards it unchanged.
  const target = new URL(emulator.url);
  front = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    seen.push({ method: req.method!, url: new URL(req.url!, 'http://front'), headers: req.headers, body: body.toString('utf8') });
    const out = httpRequest({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode!, answer.headers);
      answer.pipe(res);
    });
    out.end(body);
  });
  await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(front.address() as { port: number }).port}`;
});

afterAll(async () => {
  front?.closeAllConnections();
  await new Promise<void>((resolve) => front?.close(() => resolve()) ?? resolve());
  await emulator?.close();
});

describe('@volcengine/openapi', () => {
  const service = (secretKey = credentials.volcengine.secretAccessKey) =>
    new Service({
      host: new URL(base).host,
      protocol: 'http:',
      serviceName: 'rtc',
      region: 'cn-north-1',
      accessKeyId: credentials.volcengine.accessKeyId,
      secretKey,
    });

  it("a 19-digit live group and ids beyond 2^53, sent by rollcall: the vendor's own Signer computes the same signature over those exact bytes, and the answers are exact", async () => {
    const date = new Date();
    const rtc = createVolcengineRtcClient({ retry: false, credentials: credentials.volcengine, endpoint: base, now: () => date });
    const answer = await rtc.queryLiveParticipantStatus({
      AppId: DEFAULT_APPS.volcengineImAppId,
      ConversationShortId: BigInt(BIG_GROUP),
      ParticipantUserIds: BIG_USERS,
    });
    const sent = last();
    expect(sent.body).toBe(`{"AppId":${DEFAULT_APPS.volcengineImAppId},"ConversationShortId":${BIG_GROUP},"ParticipantUserIds":[${BIG_USERS.join(',')}]}`);
    const official = new Signer(
      {
        region: 'cn-north-1',
        method: 'POST',
        pathname: '/',
        params: Object.fromEntries(sent.url.searchParams),
        headers: { 'Content-Type': 'application/json' },
        body: sent.body,
      },
      'rtc',
    );
    official.addAuthorization({ accessKeyId: credentials.volcengine.accessKeyId, secretKey: credentials.volcengine.secretAccessKey }, date);
    expect(sent.headers.authorization).toBe(official.request.headers!.Authorization);
    expect(answer.Status.map((s) => [s.ConversationShortId, s.ParticipantUserId, s.IsInConversation])).toEqual([
      [BIG_GROUP, BIG_USERS[0], true],
      [BIG_GROUP, BIG_USERS[1], true],
      [BIG_GROUP, BIG_USERS[2], false],
    ]);
  });

  it('QueryLiveParticipantStatus with integer ids', async () => {
    const call = service().createJSONAPI('QueryLiveParticipantStatus', { Version: '2020-12-01', method: 'POST' });
    const answer = (await call({ AppId: DEFAULT_APPS.volcengineImAppId, ConversationShortId: 7, ParticipantUserIds: [2, 3, 42] })) as any;
    expect(last().url.searchParams.get('Action')).toBe('QueryLiveParticipantStatus');
    expect(answer.ResponseMetadata).toMatchObject({ Action: 'QueryLiveParticipantStatus', Version: '2020-12-01', Service: 'rtc', Region: 'cn-north-1' });
    // 42 is a string-id member: an integer lookup does not find it.
    expect(answer.Result.Status.map((s: any) => [s.ParticipantUserId, s.IsInConversation, s.CreateTime])).toEqual([
      [2, true, JOINED / 1000],
      [3, false, 0],
      [42, false, 0],
    ]);
  });

  it('QueryLiveParticipantStatus with string ids (ParticipantUserIdsStr), answered under ParticipantUserIdStr', async () => {
    const call = service().createJSONAPI('QueryLiveParticipantStatus', { Version: '2020-12-01', method: 'POST' });
    const answer = (await call({
      AppId: DEFAULT_APPS.volcengineImAppId,
      ConversationShortId: 7,
      ParticipantUserIds: [],
      ParticipantUserIdsStr: ['alice', 'bob', '42', '2'],
    })) as any;
    expect(answer.Result.Status.map((s: any) => [s.ParticipantUserIdStr, s.IsInConversation])).toEqual([
      ['alice', true],
      ['bob', false],
      ['42', true],
      // "2" is an integer-id member: a string lookup does not find it.
      ['2', false],
    ]);
    // Go's client sends a nil slice as null; that is accepted the same way.
    const nullList = (await call({
      AppId: DEFAULT_APPS.volcengineImAppId,
      ConversationShortId: 7,
      ParticipantUserIds: null,
      ParticipantUserIdsStr: ['alice'],
    })) as any;
    expect(nullList.Result.Status.map((s: any) => [s.ParticipantUserIdStr, s.IsInConversation])).toEqual([['alice', true]]);
  });

  it('BatchGetConversationParticipant', async () => {
    const call = service().createJSONAPI('BatchGetConversationParticipant', { Version: '2020-12-01', method: 'POST' });
    const answer = (await call({ AppId: DEFAULT_APPS.volcengineImAppId, ConversationShortId: 7, ParticipantUserIds: [2, 3] })) as any;
    expect(answer.Result.Participants.map((p: any) => [p.ParticipantUserId, p.Role, p.NickName])).toEqual([[2, 1, 'owner']]);
  });

  it.each(wire.volcengine.operations.GetRoomOnlineUsers.versions)('GetRoomOnlineUsers at Version %s', async (Version) => {
    const answer = (await service().createAPI('GetRoomOnlineUsers', { Version, method: 'GET' })({
      AppId: DEFAULT_APPS.volcengineRtcAppId,
      RoomId: 'room-1',
    })) as any;
    expect(last().url.searchParams.get('Version')).toBe(Version);
    expect(answer.ResponseMetadata.Version).toBe(Version);
    expect(answer.Result).toEqual({ RoomExists: true, TotalUser: 2, TotalInvisibleUser: 1, VisibleUserList: ['v1'], InvisibleUserList: ['i1'] });
  });

  it('a wrong secret gets SignatureDoesNotMatch with its gateway CodeN and status', async () => {
    const call = service('not-the-secret').createJSONAPI('QueryLiveParticipantStatus', { Version: '2020-12-01', method: 'POST' });
    const answer = (await call({ AppId: DEFAULT_APPS.volcengineImAppId, ConversationShortId: 7, ParticipantUserIds: [2] }).catch(
      (e: any) => e.response?.data ?? e,
    )) as any;
    expect(answer.ResponseMetadata.Error).toEqual({
      CodeN: wire.volcengine.gatewayCodes.SignatureDoesNotMatch.codeN,
      Code: 'SignatureDoesNotMatch',
      Message: expect.any(String),
    });
  });
});

describe('@alicloud/pop-core (V1)', () => {
  const client = (accessKeySecret = credentials.aliyun.accessKeySecret) =>
    new (RPCClient as any)({ accessKeyId: credentials.aliyun.accessKeyId, accessKeySecret, endpoint: base, apiVersion: '2016-11-01' });
  const params = { AppId: DEFAULT_APPS.aliyunAppId, GroupId: 'g1', UserIds: 'a,b' };
  const expected = [
    { UserId: 'a', Online: true, JoinTime: JOINED },
    { UserId: 'b', Online: false, JoinTime: 0 },
  ];

  it('GET: every parameter in the query', async () => {
    const answer = await client().request('BatchGetOnlineUsers', params, { method: 'GET' });
    expect(last().method).toBe('GET');
    expect(last().url.searchParams.get('Signature')).toBeTruthy();
    expect(answer.Result.OnlineUsers).toEqual(expected);
  });

  it('POST: Action, Signature and the rest in the form body', async () => {
    const answer = await client().request('BatchGetOnlineUsers', params, { method: 'POST' });
    expect(last().method).toBe('POST');
    expect(last().url.search).toBe('');
    const form = new URLSearchParams(last().body);
    expect([form.get('Action'), Boolean(form.get('Signature')), form.get('UserIds')]).toEqual(['BatchGetOnlineUsers', true, 'a,b']);
    expect(answer.Result.OnlineUsers).toEqual(expected);
  });

  it('a wrong secret is refused in both styles', async () => {
    for (const method of ['GET', 'POST']) {
      const error = await client('wrong')
        .request('BatchGetOnlineUsers', params, { method })
        .catch((e: any) => e);
      expect(error.code ?? error.data?.Code).toBe('SignatureDoesNotMatch');
    }
  });
});

describe('@alicloud/openapi-client', () => {
  // CommonJS, with its client class as `default`.
  const OpenApi = (($OpenApi as any).default.default ?? ($OpenApi as any).default) as typeof $OpenApi.default;
  const client = () =>
    new OpenApi(
      new $OpenApi.Config({
        accessKeyId: credentials.aliyun.accessKeyId,
        accessKeySecret: credentials.aliyun.accessKeySecret,
        endpoint: new URL(base).host,
        protocol: 'http',
      }),
    );
  const request = () => new $OpenApi.OpenApiRequest({ query: { AppId: DEFAULT_APPS.aliyunAppId, GroupId: 'g1', UserIds: 'a,zz' } });
  const expected = [
    { UserId: 'a', Online: true, JoinTime: JOINED },
    { UserId: 'zz', Online: false, JoinTime: 0 },
  ];

  /** An action's parameters as the generated live-20161101 client passes them to callApi. */
  const rpc = (action: string) =>
    new $OpenApi.Params({
      action,
      version: '2016-11-01',
      protocol: 'HTTP',
      pathname: '/',
      method: 'POST',
      authType: 'AK',
      style: 'RPC',
      reqBodyType: 'formData',
      bodyType: 'json',
    });

  it("callApi for today's apps: CheckLiveMessageUsersInGroup and ListLiveMessageGroupUsers, sent as the generated live-20161101 client sends them", async () => {
    const query = { AppId: DEFAULT_APPS.aliyunLiveMessageAppId, GroupId: 'g1', DataCenter: DEFAULT_APPS.aliyunDataCenter };
    const inGroup = (await client().callApi(
      rpc('CheckLiveMessageUsersInGroup'),
      new $OpenApi.OpenApiRequest({ query: { ...query, UserIds: `a,${BIG_USERS[0]}` } }),
      new $Util.RuntimeOptions({}),
    )) as any;
    expect(last().headers['x-acs-action']).toBe('CheckLiveMessageUsersInGroup');
    expect(last().body).toBe('');
    expect(inGroup.body.Users).toEqual([
      { UserId: 'a', Online: true },
      { UserId: BIG_USERS[0], Online: false },
    ]);
    const page = (await client().callApi(
      rpc('ListLiveMessageGroupUsers'),
      new $OpenApi.OpenApiRequest({ query: { ...query, PageSize: '10', SortType: '1' } }),
      new $Util.RuntimeOptions({}),
    )) as any;
    expect(page.body).toMatchObject({ GroupId: 'g1', Hasmore: false, NextPageToken: 0, UserList: [{ UserId: 'a' }] });
  });

  it('callApi (the generated clients’ path), RPC style', async () => {
    const answer = (await client().callApi(rpc('BatchGetOnlineUsers'), request(), new $Util.RuntimeOptions({}))) as any;
    expect(last().headers['x-acs-action']).toBe('BatchGetOnlineUsers');
    expect(answer.body.Result.OnlineUsers).toEqual(expected);
  });

  it('doRPCRequest (V1, HMAC-SHA1 in the query)', async () => {
    const answer = (await client().doRPCRequest(
      'BatchGetOnlineUsers',
      '2016-11-01',
      'HTTP',
      'POST',
      'AK',
      'json',
      request(),
      new $Util.RuntimeOptions({}),
    )) as any;
    expect(last().url.searchParams.get('SignatureMethod')).toBe('HMAC-SHA1');
    expect(answer.body.Result.OnlineUsers).toEqual(expected);
  });
});

describe('Tencent: tls-sig-api-v2 + fetch (there is no official REST client)', () => {
  it('get_member_list with a UserSig from the official library', async () => {
    const { sdkAppId, identifier, secretKey } = credentials.tencent;
    const userSig: string = new TLSSigAPIv2.Api(sdkAppId, secretKey).genUserSig(identifier, 86400);
    const query = new URLSearchParams({ sdkappid: String(sdkAppId), identifier, usersig: userSig, random: '12345', contenttype: 'json' });
    const response = await fetch(`${base}${wire.tencent.operations.GetMemberList.path}?${query}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ RoomId: 'room-1', Next: '' }),
    });
    const answer = (await response.json()) as any;
    expect(answer).toMatchObject({ ActionStatus: 'OK', ErrorCode: 0, Response: { MemberCount: 2, Next: '' } });
    expect(answer.Response.MemberList.map((m: any) => m.Member_Account)).toEqual(['m1', 'm2']);
  });
});
