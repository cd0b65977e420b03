// @rollcall/agora-rtc: every factory option, each operation, the mode-dependent answers narrowed
// by their discriminants, the paginated channel list.
import {
  createAgoraRtcClient,
  MAX_CHANNEL_PAGE_SIZE,
  paginateChannelList,
  type AgoraRtcClient,
  type AgoraRtcClientOptions,
  type ChannelListPage,
  type QueryUserListOutput,
} from '@rollcall/agora-rtc';
import { describe, metadata, options } from './errors.js';

const agoraOptions: AgoraRtcClientOptions = {
  credentials: { customerId: 'customer', customerSecret: 'secret' },
  region: 'eu-central-1',
  endpoint: 'http://127.0.0.1:1',
  fetch: globalThis.fetch,
  timeoutMs: 2000,
  deadlineMs: 5000,
  retry: { maxAttempts: 2 },
};
const client: AgoraRtcClient = createAgoraRtcClient(agoraOptions);

/** Who a user list names, whichever channel profile answered. */
function uidsOf(data: QueryUserListOutput): number[] {
  if (!data.channel_exist) return [];
  if (data.mode === 1) return data.users;
  // @ts-expect-error: a LIVE_BROADCASTING answer has no `users` list.
  const none: number[] = data.users;
  void none;
  return [...data.broadcasters, ...(data.audience ?? [])];
}

export async function run(): Promise<string> {
  try {
    const status = await client.queryUserStatus({ appid: 'app', uid: 2845863044, channelName: 'room #1' }, options);
    const joined: number | null = status.in_channel ? status.join : null;
    // @ts-expect-error: uids are numbers.
    await client.queryUserStatus({ appid: 'app', uid: '1', channelName: 'c' });
    const list = await client.queryUserList({ appid: 'app', channelName: 'c', hosts_only: '1' });
    const hosts = await client.queryHostList({ appid: 'app', channelName: 'c' });
    const pages: ChannelListPage[] = [];
    for await (const page of paginateChannelList(client, { appid: 'app', page_size: MAX_CHANNEL_PAGE_SIZE })) pages.push(page);
    return `${joined} ${uidsOf(list).length} ${uidsOf(hosts).length} ${pages.length} ${metadata(list.$metadata)}`;
  } catch (error) {
    return describe(error);
  }
}
