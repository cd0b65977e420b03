// @rollcall/tencent-live: both kinds of credentials, every factory option, a paged call.
import { createTencentLiveClient, type TencentLiveClient, type TencentLiveClientOptions } from '@rollcall/tencent-live';
import { describe, metadata, options } from './errors.js';

const withKey: TencentLiveClientOptions = {
  credentials: { sdkAppId: 1400000000, identifier: 'administrator', secretKey: 'key', userSigTtlSeconds: 3600 },
  region: 'ap-singapore',
  endpoint: 'http://127.0.0.1:1',
  fetch: globalThis.fetch,
  timeoutMs: 2000,
  now: () => new Date(),
  random: () => 42,
};
const withUserSig: TencentLiveClientOptions = { credentials: { sdkAppId: 1400000000, identifier: 'administrator', userSig: 'sig' } };
const clients: TencentLiveClient[] = [createTencentLiveClient(withKey), createTencentLiveClient(withUserSig)];

export async function run(): Promise<string> {
  try {
    const page = await clients[0]!.getMemberList({ RoomId: 'room', Next: '' }, options);
    const accounts: string[] = page.MemberList.map((m) => m.Member_Account);
    return `${accounts.join()} ${page.Next} ${metadata(page.$metadata)}`;
  } catch (error) {
    return describe(error);
  }
}
