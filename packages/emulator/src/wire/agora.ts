// Agora channel management's wire: REST paths with the App ID, uid and channel name in them, HTTP
// Basic auth, failures told by the HTTP status with a `{message}` body, and `X-Request-ID`.
import type { QueryChannelListOutput, QueryUserListOutput, QueryUserStatusOutput } from '@rollcall/agora-rtc';
import { wire } from '../generated/wire.js';
import type { ReceivedRequest, Reply } from './reply.js';

type OperationId = keyof typeof wire.agora.operations;

export interface AgoraRoute {
  readonly operationId: OperationId;
  /** The path's parameters, percent-decoded. */
  readonly params: Readonly<Record<string, string>>;
}

/** Each operation's path as a pattern, its `{name}` segments captured; the longest paths first, so `…/hosts_only` wins. */
const patterns = Object.entries(wire.agora.operations)
  .map(([operationId, op]) => {
    const names: string[] = [];
    const source = op.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{(\w+)\\?\}/g, (_m, name: string) => {
      names.push(name);
      return '([^/]+)';
    });
    return { operationId: operationId as OperationId, methods: op.methods as readonly string[], names, re: new RegExp(`^${source}$`), length: op.path.length };
  })
  .sort((a, b) => b.length - a.length);

/** The Agora operation a request is for, or null. A path segment that is not valid percent-encoding matches nothing. */
export function routeAgora(req: Pick<ReceivedRequest, 'method' | 'url'>): AgoraRoute | null {
  for (const p of patterns) {
    const match = p.re.exec(req.url.pathname);
    if (!match || !p.methods.includes(req.method)) continue;
    try {
      return { operationId: p.operationId, params: Object.fromEntries(p.names.map((name, i) => [name, decodeURIComponent(match[i + 1]!)])) };
    } catch {
      return null;
    }
  }
  return null;
}

/** Whether the path is under Agora's channel-management prefix (whatever the method). */
export function isAgoraPath(url: URL): boolean {
  return url.pathname.startsWith('/dev/v1/channel/');
}

export function agoraOk(requestId: string, data: QueryUserStatusOutput | QueryUserListOutput | QueryChannelListOutput): Reply {
  return { status: 200, body: { success: true, data }, headers: { 'x-request-id': requestId } };
}

export function agoraFail(requestId: string, status: number, message: string): Reply {
  return { status, body: { message }, headers: { 'x-request-id': requestId } };
}

/** A user-list answer for a channel: COMMUNICATION when nobody has a role, else LIVE_BROADCASTING with `audienceCap` applied. */
export function agoraUserList(
  channel: { users: ReadonlyArray<{ uid: number; role?: 'host' | 'audience' | undefined }> } | null,
  options: { hostsOnly: boolean; audienceCap: number },
): QueryUserListOutput {
  if (!channel) return { channel_exist: false };
  const live = channel.users.some((u) => u.role !== undefined);
  if (!live) return { channel_exist: true, mode: 1, total: channel.users.length, users: channel.users.map((u) => u.uid) };
  const broadcasters = channel.users.filter((u) => u.role === 'host').map((u) => u.uid);
  if (options.hostsOnly) return { channel_exist: true, mode: 2, broadcasters };
  const audience = channel.users.filter((u) => u.role !== 'host').map((u) => u.uid);
  return { channel_exist: true, mode: 2, broadcasters, audience: audience.slice(0, options.audienceCap), audience_total: audience.length };
}
