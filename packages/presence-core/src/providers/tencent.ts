import {
  createTencentLiveClient,
  credentialsEnvironment,
  operations,
  schemas,
  type TencentLiveClient,
  type TencentLiveClientOptions,
  type TencentWebhookEvent,
  webhooks,
} from '@rollcall/tencent-live';
import { validateAll } from '../ids.js';
import { accountOf, type AccountOption } from './account.js';
import { makeProvider, type Provider } from '../provider.js';
import type { LiveRosterOptions, RosterEvent } from '../live.js';

export type TencentProviderOptions =
  | (TencentLiveClientOptions & AccountOption)
  | { client: TencentLiveClient /** The SDKAppID the quota counts against. */; account: string };

/** Tencent Cloud IM: `roster` from get_member_list, following `Next` across pages. */
export function tencent(options: TencentProviderOptions): Provider<'roster'> {
  const client = 'client' in options ? options.client : createTencentLiveClient(options);
  const account = 'client' in options ? options.account : accountOf('tencent', options, 'sdkAppId', credentialsEnvironment.sdkAppId);
  const op = operations.getMemberList;
  const cap = op.pagination.cap;
  return makeProvider({
    vendor: 'tencent',
    account,
    timeoutMs: 'client' in options ? undefined : options.timeoutMs,
    hints: {
      status: "Tencent's API lists a room's members; use roster()",
      details: "Tencent's live-room API has no member details",
    },
    roster: {
      operation: { operationId: op.operationId, qps: op.qps, refreshSeconds: op.refreshSeconds },
      listCap: cap,
      validate(room) {
        validateAll(op.operationId, [['room', room, schemas.RoomIdSchema]]);
      },
      async fetchPage(room, cursor, callOptions) {
        const page = await client.getMemberList({ RoomId: room, Next: cursor ?? op.pagination.firstToken }, callOptions);
        return {
          members: page.MemberList.map((m) => ({ userId: m.Member_Account, visibility: 'unknown' as const, role: null, raw: m })),
          total: page.MemberCount,
          // The service lists at most `cap` members: a room of exactly the cap may hold more.
          truncated: page.MemberCount >= cap,
          next: page.Next === op.pagination.lastToken ? null : page.Next,
        };
      },
    },
  });
}

/** Tencent's rules for a live roster, from the spec's callback table: how long a "left" record is kept, and the heartbeat lag. */
export const tencentLiveRoster = {
  leftRecordMs: webhooks.memberStateChange.leftRecordMs,
  heartbeatLagMs: webhooks.memberStateChange.heartbeatLagMs,
} satisfies Omit<LiveRosterOptions, 'clock'>;

/**
 * What a verified Tencent callback does to a live roster: each member it moves, ordered by its
 * EventTime (Tencent has no sequence; a callback without one counts from `receivedAt`). Login-state
 * and unknown callbacks do nothing.
 */
export function tencentRosterEvents(event: TencentWebhookEvent, receivedAt: Date = new Date()): RosterEvent[] {
  if (event.type !== 'live-member-state-changed' && event.type !== 'group-member-state-changed') return [];
  const { change } = event;
  if (!change) return [];
  const at = event.at ?? receivedAt;
  return event.members.map((userId) => ({ room: event.roomId, userId, change, order: BigInt(at.getTime()), at }));
}
