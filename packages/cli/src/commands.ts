// The commands, as functions the CLI and the demo share. Each returns its exit code; errors that
// end a command early are thrown (the CLI turns them into a message and a code).
import { readFile } from 'node:fs/promises';
import type { DetailsEntry, LimiterRegistry, StatusEntry, WatchEvent } from '@rollcall/presence-core';
import { EXIT, UsageError } from './errors.js';
import { ndjsonLine, printTable, progress, tsvLine, type Format, type Out, type Row } from './output.js';
import { ENVIRONMENT, presenceFor, VENDOR_NAMES, VENDOR_OUTPUT, type ConnectionFlags, type Vendor } from './providers.js';

export interface OutputFlags {
  json?: boolean;
  ndjson?: boolean;
}

/** Everything a command needs besides its flags. */
export interface Run {
  out: Out;
  env: NodeJS.ProcessEnv;
  /** Aborted by the first Ctrl-C. */
  signal?: AbortSignal;
  /** A shared (Redis) limiter registry, with --redis. */
  limiters?: LimiterRegistry;
}

export function formatOf(flags: OutputFlags, out?: Pick<Out, 'tables'>): Format {
  if (flags.json && flags.ndjson) throw new UsageError('choose one of --json and --ndjson');
  return flags.json ? 'json' : flags.ndjson ? 'ndjson' : out && !out.tables ? 'tsv' : 'table';
}

/** Ids from --users (comma separated) or --users-file (a file, or `-` for standard input; one per line or comma separated). */
export async function readUsers(out: Out, flags: { users?: string; usersFile?: string }): Promise<string[]> {
  if (flags.users !== undefined && flags.usersFile !== undefined) throw new UsageError('choose one of --users and --users-file');
  let text = flags.users;
  if (flags.usersFile === '-') text = await out.readInput();
  else if (flags.usersFile !== undefined) {
    try {
      text = await readFile(flags.usersFile, 'utf8');
    } catch (error) {
      const code = (error as { code?: string }).code;
      const why =
        code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
      throw new UsageError(`--users-file ${flags.usersFile}: ${why}`);
    }
  }
  if (text === undefined) throw new UsageError('--users or --users-file is required');
  const ids = text.split(/[\s,]+/).filter(Boolean);
  if (ids.length === 0)
    throw new UsageError(flags.usersFile !== undefined ? `--users-file ${flags.usersFile}: no user ids in it` : '--users: no user ids given');
  return ids;
}

/** "1 user", "2 users". */
const countOf = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

const isoOrNull = (date: Date | null) => date?.toISOString() ?? null;

function interruptedNote(out: Out, what: string) {
  out.error(`rollcall: interrupted — ${what}; printed what was received.\n`);
}

/**
 * Lookups by id (status, details): rows leave as each batch is answered — NDJSON lines in input
 * order, each as soon as it and every line before it are answered — and on Ctrl-C what was
 * received is printed.
 */
async function lookupCommand<E extends StatusEntry | DetailsEntry>(
  run: Run,
  flags: { room: string; vendor: string } & OutputFlags,
  users: readonly string[],
  head: string[],
  rowOf: (entry: E) => Row,
  lookup: (options: { signal?: AbortSignal; onBatch(entries: readonly E[]): void }) => Promise<E[]>,
  describe: (entries: readonly E[]) => { caption: string; summary: Record<string, number> },
  label: string,
): Promise<number> {
  const { signal } = run;
  const format = formatOf(flags, run.out);
  // A lookup's lines in a pipe carry an error column always: their fields do not shift.
  const tsvColumns = [...head, 'error'];
  // Ids answered of the distinct ids asked, on stderr; taken off before anything is written.
  const bar = progress(run.out, new Set(users).size, label);
  const out = bar.out;
  const answers = new Map<string, E>();
  let written = 0;
  const writeAnswered = (skipGaps: boolean) => {
    for (; written < users.length; written++) {
      const entry = answers.get(users[written]!);
      if (entry) out.write(format === 'tsv' ? tsvLine(tsvColumns, rowOf(entry)) : ndjsonLine(rowOf(entry)));
      else if (!skipGaps) break;
    }
  };
  let interrupted = false;
  try {
    await lookup({
      signal,
      onBatch(entries) {
        for (const entry of entries) answers.set(entry.userId, entry);
        if (format === 'ndjson' || format === 'tsv') writeAnswered(false);
        bar.advance(entries.length);
      },
    });
  } catch (error) {
    bar.clear();
    if (!signal?.aborted) throw error;
    interrupted = true;
  }
  bar.clear();
  const answered = users.flatMap((userId) => answers.get(userId) ?? []);
  const failedIds = new Set(answered.filter((e) => !e.ok).map((e) => e.userId));
  const distinct = new Set(users).size;
  // Every id failed: nothing to show but the reason.
  if (!interrupted && failedIds.size === distinct) throw (answered[0] as { error: Error }).error;
  const { caption, summary } = describe(answered);
  const complete = {
    ...summary,
    failed: failedIds.size,
    ...(interrupted && { interrupted: true, unanswered: distinct - new Set(answered.map((e) => e.userId)).size }),
  };
  if (format === 'ndjson') {
    writeAnswered(true);
    out.write(ndjsonLine({ summary: complete }));
  } else if (format === 'tsv') {
    writeAnswered(true);
  } else if (format === 'json') {
    out.write(`${JSON.stringify({ room: flags.room, users: answered.map(rowOf), summary: complete }, null, 2)}\n`);
  } else {
    printTable(out, head, answered.map(rowOf), caption);
  }
  if (interrupted) {
    interruptedNote(out, `${answers.size} of ${distinct} distinct ids answered`);
    return EXIT.interrupted;
  }
  if (failedIds.size > 0) {
    const firstError = (answered.find((e) => !e.ok) as { error: Error }).error;
    out.error(`rollcall: ${failedIds.size} of ${distinct} ids failed (first: ${firstError.message})\n`);
    return EXIT.incomplete;
  }
  return EXIT.ok;
}

export async function statusCommand(run: Run, flags: ConnectionFlags & OutputFlags & { room: string; users?: string; usersFile?: string }): Promise<number> {
  formatOf(flags);
  const users = await readUsers(run.out, flags);
  const presence = presenceFor(flags, run.env, {}, run.limiters).status;
  const facts = VENDOR_OUTPUT[flags.vendor as Vendor];
  if (!presence) throw new UsageError(`${flags.vendor} cannot look up statuses here: ${facts.statusHint}`);
  // A vendor that answers either way (Agora: a call per user, or one user list): each row says which.
  const via = facts.statusShowsAnsweredBy;
  return lookupCommand<StatusEntry>(
    run,
    flags,
    users,
    via ? ['user', 'online', 'joinedAt', 'answeredBy'] : ['user', 'online', 'joinedAt'],
    (e) =>
      e.ok
        ? { user: e.userId, online: e.online, joinedAt: isoOrNull(e.joinedAt), ...(via && { answeredBy: e.answeredBy }) }
        : { user: e.userId, online: null, joinedAt: null, ...(via && { answeredBy: null }), error: e.error.message },
    (options) => presence.status(flags.room, users, { ...options, failures: 'report' }),
    (entries) => {
      const online = entries.filter((e) => e.ok && e.online).length;
      return {
        caption: `${countOf(entries.length, 'user')} in ${flags.room}: ${online} online, ${entries.length - online} not`,
        summary: { users: entries.length, online },
      };
    },
    `status ${flags.vendor}`,
  );
}

export async function detailsCommand(run: Run, flags: ConnectionFlags & OutputFlags & { room: string; users?: string; usersFile?: string }): Promise<number> {
  formatOf(flags);
  const users = await readUsers(run.out, flags);
  const presence = presenceFor(flags, run.env, {}, run.limiters).details;
  if (!presence) {
    throw new UsageError(
      flags.vendor === 'volcengine' && (flags.userIds ?? run.env[ENVIRONMENT.volcengine.userIds]) === 'string'
        ? 'member details take integer user ids only (BatchGetConversationParticipant has no string form)'
        : 'member details come from Volcengine conversations: --vendor volcengine --im-app-id …',
    );
  }
  return lookupCommand<DetailsEntry>(
    run,
    flags,
    users,
    ['user', 'member', 'role', 'nickname', 'joinedAt'],
    (e) =>
      e.ok
        ? { user: e.userId, member: e.found, role: e.role, nickname: e.nickname, joinedAt: isoOrNull(e.joinedAt) }
        : { user: e.userId, member: null, role: null, nickname: null, joinedAt: null, error: e.error.message },
    (options) => presence.details(flags.room, users, { ...options, failures: 'report' }),
    (entries) => {
      const members = entries.filter((e) => e.ok && e.found).length;
      return { caption: `${countOf(entries.length, 'user')} in ${flags.room}: ${countOf(members, 'member')}`, summary: { users: entries.length, members } };
    },
    `details ${flags.vendor}`,
  );
}

/**
 * How a listing ends: interrupted (what was listed, exit 130), cut short by the vendor (exit 6, said
 * on stderr too when stdout is JSON), or complete.
 */
function listingExit(out: Out, format: Format, interrupted: string | null, cutByVendor: boolean, caption: string): number {
  if (interrupted !== null) {
    interruptedNote(out, interrupted);
    return EXIT.interrupted;
  }
  if (cutByVendor) {
    if (format !== 'table') out.error(`rollcall: ${caption}\n`);
    return EXIT.incomplete;
  }
  return EXIT.ok;
}

/** `--max`: a positive integer, or undefined when not given. */
function maxFlag(value: string | undefined): number | undefined {
  const maxItems = value === undefined ? undefined : Number(value);
  if (maxItems !== undefined && !(Number.isInteger(maxItems) && maxItems > 0))
    throw new UsageError(`--max must be a positive integer (got ${JSON.stringify(value)})`);
  return maxItems;
}

/** Why a listing stopped short, in the vendor's figures from the operation tables. */
/** What a listing command ends with: its summary, the caption, and whether the vendor cut it short. */
interface ListingEnd {
  summary: Record<string, unknown>;
  caption: string;
  cutByVendor: boolean;
  /** The JSON document's fields besides the rows' (the rows go under `rowsKey`). */
  head?: Record<string, unknown>;
}

/**
 * The one flow of the listing commands (roster, rooms): every page's rows, written as they come with
 * --ndjson; the summary and caption once the pages end or Ctrl-C stops them; the exit code.
 */
async function listingCommand<Page>(
  run: Run,
  flags: OutputFlags,
  listing: {
    pages: (signal: AbortSignal | undefined) => AsyncIterable<Page>;
    rowsOf: (page: Page) => Row[];
    columns: string[];
    rowsKey: string;
    /** What was listed, in words for the interruption note ("12 members"). */
    counted: (rows: number) => string;
    end: (rows: Row[], pages: Page[]) => ListingEnd;
  },
): Promise<number> {
  const { out, signal } = run;
  const format = formatOf(flags, out);
  const rows: Row[] = [];
  const pages: Page[] = [];
  let interrupted = false;
  try {
    for await (const page of listing.pages(signal)) {
      const pageRows = listing.rowsOf(page);
      rows.push(...pageRows);
      pages.push(page);
      if (format === 'ndjson') for (const row of pageRows) out.write(ndjsonLine(row));
      if (format === 'tsv') for (const row of pageRows) out.write(tsvLine(listing.columns, row));
    }
  } catch (error) {
    if (!signal?.aborted) throw error;
    interrupted = true;
  }
  const end = listing.end(rows, pages);
  const summary = { ...end.summary, ...(interrupted && { interrupted: true }) };
  if (format === 'ndjson') out.write(ndjsonLine({ summary }));
  else if (format === 'json') out.write(`${JSON.stringify({ ...end.head, [listing.rowsKey]: rows, summary }, null, 2)}\n`);
  else if (format === 'table') printTable(out, listing.columns, rows, end.caption);
  return listingExit(out, format, interrupted ? listing.counted(rows.length) : null, end.cutByVendor, end.caption);
}

/** A room's members, every page, each member once; NDJSON as pages arrive. */
export async function rosterCommand(run: Run, flags: ConnectionFlags & OutputFlags & { room: string; max?: string }): Promise<number> {
  const maxItems = maxFlag(flags.max);
  const facts = VENDOR_OUTPUT[flags.vendor as Vendor];
  const presence = presenceFor(flags, run.env, {}, run.limiters).roster;
  if (!presence) throw new UsageError(`${flags.vendor} cannot list rooms here: ${facts.rosterHint}`);
  // Agora tells hosts from audience; the others tell visible from invisible users, or nothing.
  const column = facts.rosterColumn;
  return listingCommand(run, flags, {
    pages: (signal) => presence.roster(flags.room, { maxItems, signal }).pages(),
    rowsOf: (page) => page.members.map((m): Row => (column === 'role' ? { user: m.userId, role: m.role } : { user: m.userId, visibility: m.visibility })),
    columns: ['user', column],
    rowsKey: 'members',
    counted: (n) => `${countOf(n, 'member')} listed`,
    end(rows, pages) {
      const total = pages.reduce<number | null>((t, page) => page.total ?? t, null);
      const vendorTruncated = pages.some((page) => page.truncated) && !(maxItems !== undefined && rows.length >= maxItems);
      const stoppedAtMax = maxItems !== undefined && rows.length >= maxItems;
      const truncatedBy = stoppedAtMax ? 'max' : vendorTruncated ? 'vendor' : null;
      const invisible = rows.filter((r) => r.visibility === 'invisible').length;
      const reason =
        truncatedBy === 'vendor'
          ? (facts.rosterCut(rows.length, invisible) ??
            `the listing ended with ${rows.length} of the ${total ?? 'unknown number of'} members the vendor counts`)
          : null;
      const caption =
        truncatedBy === 'max'
          ? `Showing the first ${rows.length} of ${total ?? 'more'} members (stopped at --max ${maxItems}).`
          : truncatedBy === 'vendor'
            ? `Showing ${rows.length} of ${total ?? 'more'} members: the list is truncated (${reason}).`
            : `${countOf(rows.length, 'member')} in ${flags.room}.`;
      return {
        summary: { members: rows.length, total, truncated: truncatedBy !== null, truncatedBy, ...(reason && { reason }) },
        caption,
        cutByVendor: truncatedBy === 'vendor',
        head: { room: flags.room },
      };
    },
  });
}

/** A project's rooms with their member counts, every page, each room once; NDJSON as pages arrive. */
export async function roomsCommand(run: Run, flags: ConnectionFlags & OutputFlags & { max?: string }): Promise<number> {
  const maxItems = maxFlag(flags.max);
  const presence = presenceFor(flags, run.env, {}, run.limiters).rooms;
  if (!presence) throw new UsageError(`${flags.vendor} cannot list a project's rooms`);
  return listingCommand(run, flags, {
    pages: (signal) => presence.rooms({ maxItems, signal }).pages(),
    rowsOf: (page) => page.rooms.map((r): Row => ({ room: r.room, members: r.members })),
    columns: ['room', 'members'],
    rowsKey: 'rooms',
    counted: (n) => `${countOf(n, 'room')} listed`,
    end(rows, pages) {
      const total = pages.at(-1)?.total ?? null;
      const duplicates = pages.reduce((n, page) => n + page.duplicates, 0);
      const truncated = pages.some((page) => page.truncated);
      const stoppedAtMax = maxItems !== undefined && rows.length >= maxItems;
      const truncatedBy = !truncated ? null : stoppedAtMax ? 'max' : 'vendor';
      const members = rows.reduce((n, r) => n + (r.members as number), 0);
      // The vendor's pages drift as channels fill and empty: say what was dropped or may be missing.
      const drift = duplicates > 0 ? ` ${duplicates} listed twice across pages (dropped).` : '';
      const caption =
        truncatedBy === 'max'
          ? `Showing the first ${rows.length} of ${total ?? 'more'} rooms (stopped at --max ${maxItems}).${drift}`
          : truncatedBy === 'vendor'
            ? `Showing ${rows.length} of the ${total} rooms the vendor counts: channels moved between pages while they were read.${drift}`
            : `${countOf(rows.length, 'room')}, ${countOf(members, 'member')} in all.${drift}`;
      return { summary: { rooms: rows.length, total, members, duplicates, truncated, truncatedBy }, caption, cutByVendor: truncatedBy === 'vendor' };
    },
  });
}

function eventJson(event: WatchEvent) {
  const at = event.at.toISOString();
  if (event.type === 'error') {
    const { name, message } = event.error;
    const code = (event.error as { code?: unknown }).code;
    return { type: event.type, at, error: { name, message, ...(code !== undefined && { code }) }, retryInMs: event.retryInMs };
  }
  return { ...event, at };
}

function eventLine(event: WatchEvent): string {
  const at = event.at.toISOString();
  switch (event.type) {
    case 'snapshot':
      return `${at}  ${event.members.length} in the room${event.truncated ? ' (the vendor listed only part of it)' : ''}`;
    case 'joined':
      return `${at}  joined  ${event.userId}`;
    case 'left':
      return `${at}  left    ${event.userId}${event.reason === 'room-gone' ? ' (the room is gone)' : ''}`;
    case 'unknown':
      return `${at}  unknown: ${event.vanished.length} no longer listed, ${event.appeared.length} newly listed — the listing is truncated, so these may be the vendor's cap, not joins or leaves`;
    case 'error':
      return `${at}  error: ${event.error.message}; retrying in ${Math.round(event.retryInMs / 1000)} s`;
  }
}

export async function watchCommand(
  run: Run,
  flags: ConnectionFlags & OutputFlags & { room: string; users?: string; usersFile?: string; interval?: string },
): Promise<number> {
  const { out, signal } = run;
  const format = formatOf(flags);
  if (format === 'json') throw new UsageError('watch streams events: use --ndjson (or the default lines)');
  const seconds = flags.interval === undefined ? undefined : Number(flags.interval);
  if (seconds !== undefined && !(Number.isFinite(seconds) && seconds > 0))
    throw new UsageError(`--interval must be a positive number of seconds (got ${JSON.stringify(flags.interval)})`);
  const users = flags.users !== undefined || flags.usersFile !== undefined ? await readUsers(out, flags) : undefined;
  const presences = presenceFor(flags, run.env, {}, run.limiters);
  const presence = presences.watch;
  if (!presence) throw new UsageError(`${flags.vendor} cannot be watched here: pass --rtc-app-id (a room) or --im-app-id with --users`);
  // Without a roster only the ids given can be watched: said in the CLI's words, before any call.
  if (!presences.roster && users === undefined) {
    throw new UsageError(`${VENDOR_NAMES[flags.vendor as Vendor]} lists no roster here: pass --users or --users-file, the ids to watch`);
  }
  const refresh = VENDOR_OUTPUT[flags.vendor as Vendor].refreshSeconds;
  if (seconds !== undefined && refresh !== undefined && seconds < refresh) {
    out.error(
      `rollcall: ${VENDOR_NAMES[flags.vendor as Vendor]} refreshes its member list every ${refresh} s; polling every ${refresh} s, not ${seconds} s.\n`,
    );
  }
  const counts = { joined: 0, left: 0 };
  const started = Date.now();
  try {
    for await (const event of presence.watch(flags.room, { signal, intervalMs: seconds === undefined ? undefined : seconds * 1000, userIds: users })) {
      if (event.type === 'joined' || event.type === 'left') counts[event.type]++;
      if (format === 'ndjson') out.write(ndjsonLine(eventJson(event)));
      else if (event.type === 'error') out.error(`${eventLine(event)}\n`);
      else out.write(`${eventLine(event)}\n`);
    }
  } catch (error) {
    if (!signal?.aborted) throw error;
  }
  const minutes = (Date.now() - started) / 60_000;
  out.error(
    `rollcall: watched ${flags.room} for ${minutes < 1 ? `${Math.round(minutes * 60)} s` : `${minutes.toFixed(1)} min`}: ${counts.joined} joined, ${counts.left} left.\n`,
  );
  return EXIT.interrupted;
}
