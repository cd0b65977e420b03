// Agora channel management: user status, user list (both channel profiles, the audience cap), host
// list, and the channel list paged by number. Channels are listed busiest first, as they are at
// the moment of each call: when members come and go between pages, a channel can move to another
// page and be listed twice or not at all — the drift Agora's docs warn of.
import { quotaOf } from '@rollcall/runtime';
import { operations as agoraOps } from '@rollcall/agora-rtc';
import { agoraAccount, verifyAgora } from '../verify.js';
import { agoraFail, agoraOk, agoraUserList, routeAgora } from '../wire/index.js';
import type { Member } from '../world.js';
import type { VendorHandler } from './context.js';

const UID = /^[1-9]\d*$/;
const MAX_UID = 2 ** 32 - 1;

/** A query parameter as an integer within bounds, the default when absent, or null when invalid. */
function intParam(url: URL, name: string, fallback: number, min: number, max: number): number | null {
  const raw = url.searchParams.get(name);
  if (raw === null) return fallback;
  if (!/^\d+$/.test(raw)) return null;
  const n = Number(raw);
  return n >= min && n <= max ? n : null;
}

export const agora: VendorHandler = async (ctx, req, arrivedAt, requestId) => {
  const route = routeAgora(req);
  if (!route) return ['unknown', agoraFail(requestId, 404, `Not Found: ${req.method} ${req.url.pathname}`)];
  const { operationId, params } = route;
  const op = Object.values(agoraOps).find((o) => o.operationId === operationId)!;
  const verified = ctx.checkSignatures ? verifyAgora(req, ctx.credentials.agora) : { ok: true as const, account: agoraAccount(req) };
  if (!verified.ok) {
    ctx.count(operationId, 'rejected');
    return [operationId, agoraFail(requestId, 401, verified.message)];
  }
  const contentType = req.headers['content-type'];
  // The official GET samples send no Content-Type; one that is sent must be JSON.
  if (contentType !== undefined && !/^application\/json\b/i.test(contentType)) {
    return [operationId, agoraFail(requestId, 415, 'Unsupported Media Type: Content-Type must be application/json')];
  }
  if (!ctx.admit(verified.account, operationId, quotaOf(op), arrivedAt)) {
    ctx.count(operationId, 'throttled');
    return [operationId, agoraFail(requestId, 429, 'Too Many Requests')];
  }
  // "App ID does not exist" is one of the causes the docs give for a 401.
  if (params.appid !== ctx.world.agoraAppId) return [operationId, agoraFail(requestId, 401, 'Unauthorized: invalid appid')];
  const channels = ctx.world.rooms.agora;
  const usersOf = (members: Map<string, Member>) => [...members.values()].map((m) => ({ uid: Number(m.userId), role: m.agoraRole }));

  if (operationId === 'QueryUserStatus') {
    if (!UID.test(params.uid!) || Number(params.uid) > MAX_UID) return [operationId, agoraFail(requestId, 400, 'invalid uid')];
    const member = channels.get(params.channelName!)?.get(String(Number(params.uid)));
    if (!member) return [operationId, agoraOk(requestId, { in_channel: false })];
    const live = [...channels.get(params.channelName!)!.values()].some((m) => m.agoraRole !== undefined);
    return [
      operationId,
      agoraOk(requestId, {
        in_channel: true,
        uid: Number(member.userId),
        join: Math.floor(member.joinedAt / 1000),
        // 1 a COMMUNICATION user, 2 a host, 3 an audience member (the user-status page).
        role: !live ? 1 : member.agoraRole === 'host' ? 2 : 3,
        platform: 7,
      }),
    ];
  }
  if (operationId === 'QueryUserList' || operationId === 'QueryHostList') {
    const members = channels.get(params.channelName!);
    const hostsOnly = operationId === 'QueryHostList' || req.url.searchParams.has('hosts_only');
    const data = agoraUserList(members ? { users: usersOf(members) } : null, { hostsOnly, audienceCap: agoraOps.queryUserList.listBound.max });
    return [operationId, agoraOk(requestId, data)];
  }
  // QueryChannelList
  const { maxPageSize, defaultPageSize, firstPage } = agoraOps.queryChannelList.pagination;
  const pageNo = intParam(req.url, 'page_no', firstPage, firstPage, Number.MAX_SAFE_INTEGER);
  const pageSize = intParam(req.url, 'page_size', defaultPageSize, 1, maxPageSize);
  if (pageNo === null || pageSize === null) return [operationId, agoraFail(requestId, 400, `invalid page_no or page_size (1 to ${maxPageSize})`)];
  const listed = [...channels]
    .filter(([, members]) => members.size > 0)
    .map(([name, members]) => ({ channel_name: name, user_count: members.size }))
    .sort((a, b) => b.user_count - a.user_count || (a.channel_name < b.channel_name ? -1 : a.channel_name > b.channel_name ? 1 : 0));
  return [
    operationId,
    agoraOk(requestId, { channels: listed.slice((pageNo - firstPage) * pageSize, (pageNo - firstPage + 1) * pageSize), total_size: listed.length }),
  ];
};
