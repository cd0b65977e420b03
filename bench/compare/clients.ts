// The same call made by each rollcall client and by the vendor's official SDK.
import * as $OpenApi from '@alicloud/openapi-client';
import * as $Util from '@alicloud/tea-util';
import { Service } from '@volcengine/openapi';
// @ts-expect-error tls-sig-api-v2 ships no types
import TLSSigAPIv2 from 'tls-sig-api-v2';
import { createAliyunLiveClient, operations as aliOperations } from '@rollcall/aliyun-live';
import { createTencentLiveClient } from '@rollcall/tencent-live';
import { createVolcengineRtcClient, operations as volcOperations } from '@rollcall/volcengine-rtc';
import { VOLC_GROUP_ID, VOLC_IM_APP_ID, VOLC_USER_IDS } from './ids.js';

export type Call = () => Promise<unknown>;
export interface Pair {
  name: string;
  ours: Call;
  official: Call;
  officialName: string;
}

const aliIds = Array.from({ length: 20 }, (_, i) => `u${i}`);

export function pairs(url: string): Pair[] {
  const { host } = new URL(url);

  const rtc = createVolcengineRtcClient({ credentials: { accessKeyId: 'AK', secretAccessKey: 'SK' }, endpoint: url });
  // The same clients over global fetch (what other runtimes use, and Node with a `fetch` option).
  const rtcFetch = createVolcengineRtcClient({ credentials: { accessKeyId: 'AK', secretAccessKey: 'SK' }, endpoint: url, fetch: globalThis.fetch });
  const volcService = new Service({ host, protocol: 'http:', serviceName: 'rtc', region: 'cn-north-1', accessKeyId: 'AK', secretKey: 'SK' });
  const volcOfficial = volcService.createJSONAPI('QueryLiveParticipantStatus', { Version: '2020-12-01', method: 'POST' });

  const live = createAliyunLiveClient({ credentials: { accessKeyId: 'AK', accessKeySecret: 'SK' }, endpoint: url });
  const liveFetch = createAliyunLiveClient({ credentials: { accessKeyId: 'AK', accessKeySecret: 'SK' }, endpoint: url, fetch: globalThis.fetch });
  // The package is CommonJS with its client class as `default`.
  const OpenApi = (($OpenApi as unknown as { default: { default?: unknown } }).default.default ??
    ($OpenApi as unknown as { default: unknown }).default) as typeof $OpenApi.default;
  const aliClient = new OpenApi(new $OpenApi.Config({ accessKeyId: 'AK', accessKeySecret: 'SK', endpoint: host, protocol: 'http' }));
  const aliParams = new $OpenApi.Params({
    action: 'BatchGetOnlineUsers',
    version: '2016-11-01',
    protocol: 'HTTP',
    pathname: '/',
    method: 'POST',
    authType: 'AK',
    style: 'RPC',
    reqBodyType: 'formData',
    bodyType: 'json',
  });
  const runtime = new $Util.RuntimeOptions({});

  const im = createTencentLiveClient({ credentials: { sdkAppId: 1400000000, identifier: 'admin', secretKey: 'key' }, endpoint: url });
  const userSig: string = new TLSSigAPIv2.Api(1400000000, 'key').genUserSig('admin', 86400);

  const volcBody = { AppId: VOLC_IM_APP_ID, ConversationShortId: VOLC_GROUP_ID, ParticipantUserIds: VOLC_USER_IDS };
  // The official SDK sends JSON.stringify's numbers: past 2^53 a JavaScript caller can only pass strings
  // (the canned server reads no body, so both clients get the same answer).
  const aliBody = () => new $OpenApi.OpenApiRequest({ body: { AppId: 'app', GroupId: 'g', UserIds: aliIds.join(',') } });
  // The floor of any client over Node's global fetch: the same answers fetched, read and parsed, nothing
  // signed or checked (the canned server routes Volcengine by its Action parameter, Alibaba by its header).
  const bareFetch = (path: string, headers: Record<string, string>, body: string) => async () =>
    JSON.parse(await (await fetch(`${url}${path}`, { method: 'POST', headers, body })).text()) as unknown;
  return [
    {
      name: 'Volcengine QueryLiveParticipantStatus (200 ids), rollcall over global fetch',
      officialName: '@volcengine/openapi',
      ours: () => rtcFetch.queryLiveParticipantStatus(volcBody),
      official: () => volcOfficial(volcBody),
    },
    {
      name: 'Alibaba BatchGetOnlineUsers (20 ids, V3), rollcall over global fetch',
      officialName: '@alicloud/openapi-client',
      ours: () => liveFetch.batchGetOnlineUsers({ AppId: 'app', GroupId: 'g', UserIds: aliIds }),
      official: () => aliClient.callApi(aliParams, aliBody(), runtime),
    },
    {
      name: 'bare global fetch of the Volcengine answer: the floor over Node global fetch',
      officialName: '@volcengine/openapi',
      ours: bareFetch(
        `/?Action=${volcOperations.queryLiveParticipantStatus.action}&Version=${volcOperations.queryLiveParticipantStatus.version}`,
        { 'content-type': 'application/json' },
        JSON.stringify({ AppId: VOLC_IM_APP_ID }),
      ),
      official: () => volcOfficial(volcBody),
    },
    {
      name: 'bare global fetch of the Alibaba answer: the floor over Node global fetch',
      officialName: '@alicloud/openapi-client',
      ours: bareFetch('/', { 'x-acs-action': aliOperations.batchGetOnlineUsers.action, 'content-type': 'application/x-www-form-urlencoded' }, 'AppId=app'),
      official: () => aliClient.callApi(aliParams, aliBody(), runtime),
    },
    {
      name: 'Volcengine QueryLiveParticipantStatus (200 ids)',
      officialName: '@volcengine/openapi',
      ours: () => rtc.queryLiveParticipantStatus(volcBody),
      official: () => volcOfficial(volcBody),
    },
    {
      name: 'Alibaba BatchGetOnlineUsers (20 ids, V3)',
      officialName: '@alicloud/openapi-client',
      ours: () => live.batchGetOnlineUsers({ AppId: 'app', GroupId: 'g', UserIds: aliIds }),
      official: () => aliClient.callApi(aliParams, new $OpenApi.OpenApiRequest({ body: { AppId: 'app', GroupId: 'g', UserIds: aliIds.join(',') } }), runtime),
    },
    {
      name: 'Tencent get_member_list',
      officialName: 'fetch + tls-sig-api-v2',
      ours: () => im.getMemberList({ RoomId: 'room', Next: '' }),
      official: async () => {
        const random = Math.floor(Math.random() * 4294967296);
        const response = await fetch(
          `${url}/v4/live_engine_http_srv/get_member_list?sdkappid=1400000000&identifier=admin&usersig=${userSig}&random=${random}&contenttype=json`,
          { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ RoomId: 'room', Next: '' }) },
        );
        const body = (await response.json()) as { ActionStatus: string };
        if (body.ActionStatus !== 'OK') throw new Error('failed');
        return body;
      },
    },
  ];
}
