// @rollcall/aliyun-live: every factory option, a call with call options, the answer's types.
import { createAliyunLiveClient, operations, type AliyunLiveClient, type AliyunLiveClientOptions } from '@rollcall/aliyun-live';
import { describe, metadata, options } from './errors.js';

const clientOptions: AliyunLiveClientOptions = {
  credentials: { accessKeyId: 'AK', accessKeySecret: 'SK', securityToken: 'token' },
  region: 'cn-shanghai',
  endpoint: 'http://127.0.0.1:1',
  fetch: globalThis.fetch,
  timeoutMs: 2000,
  now: () => new Date(),
  signatureVersion: 'v1',
  nonce: () => crypto.randomUUID(),
};
const client: AliyunLiveClient = createAliyunLiveClient(clientOptions);

export async function run(): Promise<string> {
  try {
    const result = await client.batchGetOnlineUsers({ AppId: 'app', GroupId: 'group', UserIds: ['u1', 'u2'] }, options);
    const ids: string[] = result.OnlineUsers.map((u) => u.UserId);
    // @ts-expect-error: only 'v3' and 'v1' exist.
    createAliyunLiveClient({ ...clientOptions, signatureVersion: 'v2' });
    return `${ids.join()} ${metadata(result.$metadata)} ${operations.batchGetOnlineUsers.qps}`;
  } catch (error) {
    return describe(error);
  }
}
