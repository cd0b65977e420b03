// @rollcall/presence-core with all four providers: capabilities are types, errors are the same
// classes whichever vendor threw them.
import {
  CapabilityError,
  createPresence,
  IncompleteResponseError,
  LimiterRegistry,
  PaginationLoopError,
  type Presence,
  type PresenceOptions,
  type RoomSummary,
  type RoomsPage,
  type RosterPage,
  type StatusEntry,
  type WatchEvent,
} from '@rollcall/presence-core';
import { agora, type AgoraProviderOptions } from '@rollcall/presence-core/agora';
import { aliyun, type AliyunProviderOptions } from '@rollcall/presence-core/aliyun';
import { tencent, type TencentProviderOptions } from '@rollcall/presence-core/tencent';
import { volcengine } from '@rollcall/presence-core/volcengine';
import { createVolcengineRtcClient } from '@rollcall/volcengine-rtc';
import { describe } from './errors.js';

const presenceOptions: PresenceOptions = {
  retry: { maxAttempts: 2, baseDelayMs: 50, maxDelayMs: 1000, throttlePauseMs: 500 },
  qps: { QueryLiveParticipantStatus: 50 },
  limiters: new LimiterRegistry(),
  coalesceWindowMs: 5,
  timeoutMs: 2000,
  hooks: { onRequest: () => {}, onRetry: () => {}, onThrottle: () => {} },
  random: Math.random,
};

const imOnly = createPresence(volcengine({ credentials: { accessKeyId: 'AK', secretAccessKey: 'SK' }, imAppId: 1 }), presenceOptions);
const stringIds = createPresence(volcengine({ credentials: { accessKeyId: 'AK', secretAccessKey: 'SK' }, imAppId: 1, userIds: 'string' }));
const both = createPresence(
  volcengine({ client: createVolcengineRtcClient({ credentials: { accessKeyId: 'AK', secretAccessKey: 'SK' } }), account: 'AK', imAppId: 1, rtcAppId: 'app' }),
);
const aliyunOptions: AliyunProviderOptions = { credentials: { accessKeyId: 'AK', accessKeySecret: 'SK' }, appId: 'app', signatureVersion: 'v3' };
const tencentOptions: TencentProviderOptions = { credentials: { sdkAppId: 1400000000, identifier: 'admin', secretKey: 'key' } };
const onAliyun: Presence<'status'> = createPresence(aliyun(aliyunOptions));
const onTencent = createPresence(tencent(tencentOptions));
const agoraOptions: AgoraProviderOptions = {
  credentials: { customerId: 'customer', customerSecret: 'secret' },
  appId: 'app',
  statusVia: 'cheaper',
  roomsPageSize: 100,
};
const onAgora: Presence<'status' | 'roster' | 'rooms'> = createPresence(agora(agoraOptions));

export async function run(): Promise<string> {
  try {
    const entries: StatusEntry[] = await imOnly.status('7', ['10001'], { failures: 'report' });
    const online: boolean = await onAliyun.isOnline('group', 'u1');
    const details = await both.details('7', ['10001']);
    const page: RosterPage = await both.roster('room', { maxItems: 10 });
    for await (const member of onTencent.roster('room')) void member.userId;
    // @ts-expect-error: an IM-only Volcengine provider has no roster.
    imOnly.roster('room');
    // @ts-expect-error: Tencent answers rosters only.
    await onTencent.status('room', ['u1']);
    const byString: StatusEntry[] = await stringIds.status('7', ['alice'], { onBatch: (batch: readonly StatusEntry[]) => void batch.length });
    const stop = new AbortController();
    for await (const event of onTencent.watch('room', { signal: stop.signal, intervalMs: 40_000 })) {
      const described: string = event.type === 'joined' || event.type === 'left' ? event.userId : event.type;
      void described;
      stop.abort();
    }
    const watched: AsyncIterableIterator<WatchEvent> = onAliyun.watch('group', { userIds: ['u1'] });
    void watched;
    // @ts-expect-error: a provider without a roster watches the ids it is given: userIds is required.
    imOnly.watch('7', { signal: stop.signal });
    // @ts-expect-error: with string user ids there is no details (no string form in the vendor model).
    await stringIds.details('7', ['alice']);
    void byString;
    const rooms: RoomsPage = await onAgora.rooms({ maxItems: 5 });
    for await (const room of onAgora.rooms()) void (room satisfies RoomSummary).members;
    const [entry] = await onAgora.status('channel', ['2845863044']);
    const answeredBy: string | undefined = entry?.ok ? entry.answeredBy : undefined;
    const roles = (await onAgora.roster('channel')).members.map((m) => m.role);
    void [rooms, answeredBy, roles];
    // @ts-expect-error: only Agora lists a project's rooms.
    onTencent.rooms();
    // @ts-expect-error: Alibaba has no details.
    await onAliyun.details('group', ['u1']);
    return `${entries.length} ${online} ${details.length} ${page.truncated} ${imOnly.capabilities.join()}`;
  } catch (error) {
    if (error instanceof CapabilityError) return `${error.vendor} ${error.capability}`;
    if (error instanceof PaginationLoopError) return `${error.vendor} ${error.operation} ${error.cursor}`;
    if (error instanceof IncompleteResponseError) return `${error.vendor} ${error.operation} ${error.userId}`;
    return describe(error);
  }
}
