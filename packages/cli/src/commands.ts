// The commands, as functions the CLI and the demo share.
import { readFile } from 'node:fs/promises';
import type { PresenceHooks } from '@rollcall/presence-core';
import { UsageError } from './errors.js';
import { printRows, progress, type Format, type Out } from './output.js';
import { ENVIRONMENT, presenceFor, type ConnectionFlags } from './providers.js';

export interface OutputFlags {
  json?: boolean;
  ndjson?: boolean;
}

export function formatOf(flags: OutputFlags): Format {
  if (flags.json && flags.ndjson) throw new UsageError('choose one of --json and --ndjson');
  return flags.json ? 'json' : flags.ndjson ? 'ndjson' : 'table';
}

/** Ids from --users (comma separated) or --users-file (one per line, or comma separated). */
export async function readUsers(flags: { users?: string; usersFile?: string }): Promise<string[]> {
  if (flags.users && flags.usersFile) throw new UsageError('choose one of --users and --users-file');
  const text = flags.users ?? (flags.usersFile ? await readFile(flags.usersFile, 'utf8') : undefined);
  if (text === undefined) throw new UsageError('--users or --users-file is required');
  const ids = text.split(/[\s,]+/).filter(Boolean);
  if (ids.length === 0) throw new UsageError('no user ids given');
  return ids;
}

function hooksWithProgress(out: Out, expectedCalls: number, label: string): { hooks: PresenceHooks; done(): void } {
  const bar = progress(out, expectedCalls, label);
  return { hooks: { onRequest: () => bar.tick() }, done: () => bar.stop() };
}

const BATCH = { volcengine: 200, aliyun: 20, tencent: 1 } as const;

export async function statusCommand(
  out: Out,
  env: NodeJS.ProcessEnv,
  flags: ConnectionFlags & OutputFlags & { room: string; users?: string; usersFile?: string },
) {
  const format = formatOf(flags);
  const users = await readUsers(flags);
  const { hooks, done } = hooksWithProgress(out, Math.ceil(new Set(users).size / (BATCH[flags.vendor as keyof typeof BATCH] ?? 1)), `status ${flags.vendor}`);
  const presence = presenceFor(flags, env, hooks).status;
  if (!presence) throw new UsageError(`${flags.vendor} cannot look up statuses here: ${flags.vendor === 'volcengine' ? 'pass --im-app-id' : 'use roster'}`);
  try {
    const entries = await presence.status(flags.room, users);
    const rows = entries.map((e) =>
      e.ok ? { user: e.userId, online: e.online, joinedAt: e.joinedAt?.toISOString() ?? '' } : { user: e.userId, error: e.error.message },
    );
    const online = entries.filter((e) => e.ok && e.online).length;
    printRows(out, format, ['user', 'online', 'joinedAt'], rows, `${entries.length} users in ${flags.room}: ${online} online, ${entries.length - online} not`);
  } finally {
    done();
  }
}

export async function rosterCommand(out: Out, env: NodeJS.ProcessEnv, flags: ConnectionFlags & OutputFlags & { room: string; max?: string }) {
  const format = formatOf(flags);
  const maxItems = flags.max === undefined ? undefined : Number(flags.max);
  if (maxItems !== undefined && !(Number.isInteger(maxItems) && maxItems > 0)) throw new UsageError('--max must be a positive integer');
  const { hooks, done } = hooksWithProgress(out, 0, `roster ${flags.vendor}`);
  const presence = presenceFor(flags, env, hooks).roster;
  if (!presence) throw new UsageError(`${flags.vendor} cannot list rooms here: ${flags.vendor === 'volcengine' ? 'pass --rtc-app-id' : 'use status'}`);
  try {
    const rows: Array<Record<string, unknown>> = [];
    let total: number | null = null;
    let truncated = false;
    for await (const page of presence.roster(flags.room, { maxItems }).pages()) {
      for (const m of page.members) rows.push({ user: m.userId, visibility: m.visibility });
      total = page.total ?? total;
      truncated ||= page.truncated;
    }
    const notice = truncated
      ? `Showing ${rows.length} of ${total ?? 'more'} members: the list is truncated (${flags.vendor === 'tencent' ? 'Tencent lists at most 1000 members of a room' : flags.vendor === 'volcengine' ? 'Volcengine lists at most 10000 invisible users' : 'limit reached'}${maxItems !== undefined && rows.length >= maxItems ? `, or --max ${maxItems}` : ''}).`
      : `${rows.length} members in ${flags.room}.`;
    if (format === 'table') printRows(out, format, ['user', 'visibility'], rows, notice);
    else {
      printRows(out, format, ['user', 'visibility'], rows);
      if (truncated) out.error(`${notice}\n`);
    }
  } finally {
    done();
  }
}

export async function detailsCommand(
  out: Out,
  env: NodeJS.ProcessEnv,
  flags: ConnectionFlags & OutputFlags & { room: string; users?: string; usersFile?: string },
) {
  const format = formatOf(flags);
  const users = await readUsers(flags);
  const presence = presenceFor(flags, env, {}).details;
  if (!presence) {
    throw new UsageError(
      flags.vendor === 'volcengine' && (flags.userIds ?? env[ENVIRONMENT.volcengine.userIds]) === 'string'
        ? 'member details take integer user ids only (BatchGetConversationParticipant has no string form)'
        : 'member details come from Volcengine conversations: --vendor volcengine --im-app-id …',
    );
  }
  const entries = await presence.details(flags.room, users);
  const rows = entries.map((e) =>
    e.ok
      ? { user: e.userId, member: e.found, role: e.role ?? '', nickname: e.nickname ?? '', joinedAt: e.joinedAt?.toISOString() ?? '' }
      : { user: e.userId, error: e.error.message },
  );
  printRows(out, format, ['user', 'member', 'role', 'nickname', 'joinedAt'], rows);
}
