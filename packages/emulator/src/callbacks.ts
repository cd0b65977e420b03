// The vendors' callbacks, as the emulator sends them (issue 23): every join and leave of a room of
// the world is posted to a configured URL, signed as the vendor signs it (written here on
// node:crypto, apart from the clients' verifiers, so that each checks the other), through a
// delivery that can lose, duplicate and reorder posts as the vendors say theirs do, and can be
// paused. A churn makes rooms change at a set rate.
import { createHash, createHmac, randomUUID } from 'node:crypto';
import type { Member, World, WorldChange } from './world.js';

export type CallbackVendor = 'agora' | 'tencent' | 'volcengine';

/** The world's space each vendor's callbacks describe (Volcengine: RTC rooms). */
export const CALLBACK_SPACES = { agora: 'agora', tencent: 'tencent', volcengine: 'volcengine-rtc' } as const satisfies Record<
  CallbackVendor,
  keyof World['rooms']
>;

export interface CallbackTarget {
  vendor: CallbackVendor;
  /** Where callbacks are posted. */
  url: string;
  /** Agora's NCS secret, Tencent's callback token, Volcengine's callback secret. */
  secret: string;
  /** Share of changes never posted (0–1). */
  lossRate?: number;
  /** Share of changes posted twice. */
  duplicateRate?: number;
  /** Each post waits a uniform 0…reorderMs first, so later changes can arrive before earlier ones. */
  reorderMs?: number;
  /** Default Math.random; a seeded one makes a run repeatable. */
  random?: () => number;
}

export interface CallbackStats {
  /** Changes of the space seen. */
  changes: number;
  /** Posts made (copies included), answered or not. */
  posted: number;
  lost: number;
  duplicated: number;
  /** Posts answered with a status other than 2xx, or not answered. */
  failed: number;
}

interface Apps {
  tencentSdkAppId: number;
  volcengineRtcAppId: string;
}

/** One post: where, how, what. */
interface Post {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** The vendors' orders: Agora's clientSeq per user (13 digits and up, as Agora's), event times strictly increasing per user. */
class Orders {
  readonly #last = new Map<string, bigint>();
  next(key: string, floor: bigint): bigint {
    const value = (this.#last.get(key) ?? 0n) >= floor ? this.#last.get(key)! + 1n : floor;
    this.#last.set(key, value);
    return value;
  }
}

const AGORA_EVENTS = { host: [103, 104], audience: [105, 106], none: [107, 108] } as const;

function agoraPost(target: CallbackTarget, change: WorldChange, sequence: bigint, now: number): Post {
  const [joined, left] = AGORA_EVENTS[change.member.agoraRole ?? 'none'];
  const eventType = change.change === 'join' ? joined : left;
  const leave = change.change === 'leave' ? `,"reason":1,"duration":${Math.max(0, Math.round((now - change.member.joinedAt) / 1000))}` : '';
  // Written by hand: clientSeq is an integer that may pass 2^53, as Agora's JSON has it.
  const body = `{"noticeId":"${sequence}:${eventType}","productId":1,"eventType":${eventType},"notifyMs":${now},"payload":{"channelName":${JSON.stringify(change.room)},"uid":${Number(change.member.userId)},"platform":7,"clientSeq":${sequence},"ts":${Math.floor(now / 1000)}${leave}}}`;
  return {
    url: target.url,
    headers: {
      'content-type': 'application/json',
      'agora-signature-v2': createHmac('sha256', target.secret).update(body).digest('hex'),
      'agora-signature': createHmac('sha1', target.secret).update(body).digest('hex'),
    },
    body,
  };
}

function tencentPost(target: CallbackTarget, change: WorldChange, eventTime: bigint, now: number, apps: Apps): Post {
  const command = 'Live.CallbackAfterMemberStateChanged';
  const requestTime = String(Math.floor(now / 1000));
  const query = new URLSearchParams({
    SdkAppid: String(apps.tencentSdkAppId),
    CallbackCommand: command,
    contenttype: 'json',
    ClientIP: '127.0.0.1',
    OptPlatform: 'RESTAPI',
    RequestTime: requestTime,
    Sign: createHash('sha256')
      .update(target.secret + requestTime)
      .digest('hex'),
  });
  const online = change.change === 'join';
  const body = JSON.stringify({
    CallbackCommand: command,
    RoomId: change.room,
    EventType: online ? 'Online' : 'Offline',
    EventCause: online ? 'Enter' : 'Leave',
    MemberList: [{ Member_Account: change.member.userId }],
    EventTime: Number(eventTime),
  });
  return { url: `${target.url}${target.url.includes('?') ? '&' : '?'}${query}`, headers: { 'content-type': 'application/json' }, body };
}

/** RFC 3339 with nanoseconds, as Volcengine writes EventTime. */
const rfc3339Nanos = (ms: number) => `${new Date(ms).toISOString().slice(0, 23)}000000Z`;

function volcenginePost(target: CallbackTarget, change: WorldChange, timestamp: bigint, apps: Apps, random: () => number): Post {
  const kind = change.change === 'join' ? 'JoinRoom' : 'LeaveRoom';
  const fields: Record<string, string> = {
    EventType: `${change.member.invisible ? 'InvisibleUser' : 'User'}${kind}`,
    EventData: JSON.stringify({
      RoomId: change.room,
      UserId: change.member.userId,
      DeviceType: 'web',
      ...(change.change === 'leave' ? { Reason: 'userLeave' } : {}),
      Timestamp: Number(timestamp),
    }),
    EventTime: rfc3339Nanos(Number(timestamp)),
    EventId: randomUUID(),
    AppId: apps.volcengineRtcAppId,
    Version: '2020-12-01',
    Nonce: String(1000 + Math.floor(random() * 9000)),
  };
  // Sorted by UTF-8 bytes (Go's order), joined, hashed with the secret among them.
  const signed = [...Object.values(fields), target.secret]
    .map((value) => Buffer.from(value, 'utf8'))
    .sort(Buffer.compare)
    .map((bytes) => bytes.toString('utf8'))
    .join('');
  return {
    url: target.url,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...fields, Signature: createHash('sha256').update(signed).digest('hex') }),
  };
}

/** Posts the world's changes of one vendor's space to a target, as the vendor would. */
export class CallbackDelivery {
  readonly #target: CallbackTarget;
  readonly #apps: Apps;
  readonly #now: () => number;
  readonly #random: () => number;
  readonly #orders = new Orders();
  readonly #stats: CallbackStats = { changes: 0, posted: 0, lost: 0, duplicated: 0, failed: 0 };
  readonly #pending = new Set<Promise<void>>();
  readonly #held: Post[] = [];
  readonly #unsubscribe: () => void;
  #paused = false;

  constructor(world: World, target: CallbackTarget, apps: Apps, now: () => number) {
    this.#target = target;
    this.#apps = apps;
    this.#now = now;
    this.#random = target.random ?? Math.random;
    const space = CALLBACK_SPACES[target.vendor];
    this.#unsubscribe = world.onChange((change) => {
      if (change.space === space) this.#changed(change);
    });
  }

  /** Holds every post from now on; `resume` sends them. */
  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    this.#paused = false;
    for (const post of this.#held.splice(0)) this.#send(post);
  }

  /** Resolves once every post made so far has been answered (held ones excepted). */
  async drain(): Promise<void> {
    while (this.#pending.size) await Promise.all([...this.#pending]);
  }

  stats(): Readonly<CallbackStats> {
    return { ...this.#stats };
  }

  close(): void {
    this.#unsubscribe();
  }

  #changed(change: WorldChange) {
    this.#stats.changes++;
    const now = this.#now();
    const key = `${change.room}\u0000${change.member.userId}`;
    const post =
      this.#target.vendor === 'agora'
        ? agoraPost(this.#target, change, this.#orders.next(key, 1_625_051_030_000n), now)
        : this.#target.vendor === 'tencent'
          ? tencentPost(this.#target, change, this.#orders.next(key, BigInt(now)), now, this.#apps)
          : volcenginePost(this.#target, change, this.#orders.next(key, BigInt(now)), this.#apps, this.#random);
    // The order is taken whether or not the post is lost: a lost event still moved the user on.
    if (this.#random() < (this.#target.lossRate ?? 0)) {
      this.#stats.lost++;
      return;
    }
    const copies = this.#random() < (this.#target.duplicateRate ?? 0) ? 2 : 1;
    if (copies === 2) this.#stats.duplicated++;
    for (let copy = 0; copy < copies; copy++) this.#schedule(post);
  }

  #schedule(post: Post) {
    const delayMs = this.#random() * (this.#target.reorderMs ?? 0);
    const sent = new Promise<void>((resolve) => setTimeout(resolve, delayMs)).then(() => (this.#paused ? void this.#held.push(post) : this.#send(post)));
    this.#track(sent);
  }

  #send(post: Post) {
    this.#stats.posted++;
    const answered = fetch(post.url, { method: 'POST', headers: post.headers, body: post.body })
      .then(async (response) => {
        await response.arrayBuffer();
        if (!response.ok) this.#stats.failed++;
      })
      .catch(() => {
        this.#stats.failed++;
      });
    this.#track(answered);
  }

  #track(promise: Promise<void>) {
    this.#pending.add(promise);
    void promise.finally(() => this.#pending.delete(promise));
  }
}

export interface ChurnOptions {
  vendor: CallbackVendor;
  room: string;
  /** Changes a second. */
  ratePerSecond: number;
  /** Stop after this many changes (default: until stopped). */
  changes?: number;
  random?: () => number;
}

/** New members' ids, shaped as each vendor's are: Agora uids above 2^31, 19-digit ids elsewhere. */
const newMemberId = (vendor: CallbackVendor, n: number) =>
  vendor === 'agora'
    ? String(3_000_000_000 + n)
    : vendor === 'tencent'
      ? `user_${7_226_277_271_248_584_971n + BigInt(n)}`
      : String(7_226_277_271_248_584_971n + BigInt(n) * 7n);

/**
 * Makes a room change at `ratePerSecond`: each tick a member leaves (even odds, while there are
 * members) or a new one joins. Resolves after `changes` changes, or when stopped.
 */
export function churn(world: World, options: ChurnOptions, now: () => number, signal?: AbortSignal): Promise<number> {
  const random = options.random ?? Math.random;
  const space = CALLBACK_SPACES[options.vendor];
  let made = 0;
  let joined = 0;
  return new Promise<number>((resolve) => {
    const timer = setInterval(
      () => {
        if (signal?.aborted || (options.changes !== undefined && made >= options.changes)) {
          clearInterval(timer);
          return resolve(made);
        }
        const members = [...(world.rooms[space].get(options.room)?.keys() ?? [])];
        if (members.length && random() < 0.5) world.leave(space, options.room, members[Math.floor(random() * members.length)]!);
        else {
          const member: Member = { userId: newMemberId(options.vendor, joined++), joinedAt: now() };
          if (options.vendor === 'volcengine' && random() < 0.1) member.invisible = true;
          // A live-broadcasting channel (someone has a role) gets hosts and audience; a communication one, neither.
          const live = [...(world.rooms[space].get(options.room)?.values() ?? [])].some((m) => m.agoraRole);
          if (options.vendor === 'agora' && live) member.agoraRole = random() < 0.2 ? 'host' : 'audience';
          world.join(space, options.room, member);
        }
        made++;
      },
      Math.max(1, 1000 / options.ratePerSecond),
    );
  });
}
