// The emulator's state: who is in which room, per vendor, and the credentials it accepts.

export interface TencentApp {
  sdkAppId: number;
  identifier: string;
  secretKey: string;
}

export interface EmulatorCredentials {
  volcengine: { accessKeyId: string; secretAccessKey: string };
  aliyun: { accessKeyId: string; accessKeySecret: string };
  /** A China app (SDKAppID 1400000000 and above). */
  tencent: TencentApp;
  /** An international app (SDKAppID below 1400000000, served from Singapore), accepted beside the China one. */
  tencentInternational?: TencentApp;
  agora: { customerId: string; customerSecret: string };
}

/** Test credentials the emulator accepts unless told otherwise. Not secrets: they open nothing else. */
export const DEMO_CREDENTIALS: EmulatorCredentials = {
  volcengine: { accessKeyId: 'AKLTemulator', secretAccessKey: 'emulator-volcengine-secret' },
  aliyun: { accessKeyId: 'LTAIemulator', accessKeySecret: 'emulator-aliyun-secret' },
  tencent: { sdkAppId: 1400000000, identifier: 'administrator', secretKey: 'emulator-tencent-secret-key' },
  tencentInternational: { sdkAppId: 20012345, identifier: 'administrator', secretKey: 'emulator-tencent-international-secret-key' },
  agora: { customerId: 'emulator-customer-id', customerSecret: 'emulator-agora-customer-secret' },
};

export interface Member {
  userId: string;
  /** Unix milliseconds. */
  joinedAt: number;
  nickname?: string;
  role?: 0 | 1 | 2;
  /** Volcengine RTC rooms only. */
  invisible?: boolean;
  /**
   * Volcengine IM only: a member of an app with string user ids, looked up through
   * `ParticipantUserIdsStr`. An id that is not a decimal integer is always a string id.
   */
  stringId?: boolean;
  /**
   * Agora only: a host or an audience member of a LIVE_BROADCASTING channel. A channel where nobody
   * has a role is a COMMUNICATION channel.
   */
  agoraRole?: 'host' | 'audience';
}

/** Whether a Volcengine IM member answers to string-id lookups (and not to integer ones). */
export function isStringIdMember(member: Member): boolean {
  return member.stringId === true || !/^(0|-?[1-9][0-9]*)$/.test(member.userId);
}

/** Seed data: rooms and their members, per vendor (a JSON file has this shape). */
/** A member as a seed gives it: without `joinedAt`, it joins when the world is made. */
export type SeedMember = Omit<Member, 'joinedAt'> & { joinedAt?: number | undefined };

export interface Seed {
  volcengine?: {
    /** IM app: live groups and conversations by ConversationShortId. */
    imAppId?: number;
    conversations?: Record<string, SeedMember[]>;
    /** RTC app: rooms by RoomId. */
    rtcAppId?: string;
    rooms?: Record<string, SeedMember[]>;
  };
  /**
   * Two apps share the groups: one of the older console (`appId`, BatchGetOnlineUsers) and one of
   * today's console (`liveMessageAppId` in `dataCenter`, the LiveMessage operations).
   */
  aliyun?: { appId?: string; liveMessageAppId?: string; dataCenter?: 'cn-shanghai' | 'ap-southeast-1'; groups?: Record<string, SeedMember[]> };
  tencent?: { rooms?: Record<string, SeedMember[]> };
  /** Agora project: channels by name (members' user ids are uids). */
  agora?: { appId?: string; channels?: Record<string, SeedMember[]> };
}

export const DEFAULT_APPS = {
  volcengineImAppId: 583401,
  volcengineRtcAppId: 'emulator-rtc-app',
  /** An Alibaba app of the older console (BatchGetOnlineUsers). */
  aliyunAppId: 'emulator-app',
  /** An Alibaba app of today's console (the LiveMessage operations), in its data center. */
  aliyunLiveMessageAppId: 'emulator-live-message-app',
  aliyunDataCenter: 'cn-shanghai' as 'cn-shanghai' | 'ap-southeast-1',
  agoraAppId: 'emulator-agora-app',
};

/**
 * The ids of a generated world, shaped like the vendors' real ones, so that nothing passes only on
 * ids 1…N: a Volcengine live group's ConversationShortId has 19 digits (`7226277271248584971`, as in
 * public captures of the ByteDance IM stack Volcengine IM runs on); user ids alternate between
 * snowflake-style ids beyond 2^53 and ten-digit ones below it (the same decimal strings serve as
 * Alibaba and Tencent user ids); Agora uids are above 2^31 (they are uint32).
 */
export const worldIds = {
  /** The r-th live group or conversation (from 1). */
  volcengineGroup: (r: number): string => String(7_226_277_271_248_584_970n + BigInt(r)),
  /** The i-th member (from 0): even ones beyond 2^53, odd ones below it. */
  user: (i: number): string => (i % 2 === 0 ? String(1_847_260_331_508_621_312n + BigInt(i) * 4_194_304n) : String(6_812_345_671 + i)),
  /** The i-th member's Agora uid (from 0), above 2^31. */
  agoraUid: (i: number): string => String(2_200_000_000 + i * 7),
  /** The first `count` user ids, in member order. */
  users: (count: number, from = 0): string[] => Array.from({ length: count }, (_, i) => worldIds.user(from + i)),
  agoraUids: (count: number, from = 0): string[] => Array.from({ length: count }, (_, i) => worldIds.agoraUid(from + i)),
} as const;

/**
 * `--rooms N --members M`: N rooms per vendor of M members each, with real-shaped ids (`worldIds`):
 * Volcengine live groups `worldIds.volcengineGroup(1…N)` (holding also string-id members
 * `user1`…`userM`), rooms `room-1…`, Alibaba groups `group-1…`, Tencent rooms `room-1…`, Agora
 * channels `channel-1…` (members by uid). Agora's odd channels are COMMUNICATION channels, its even
 * ones LIVE_BROADCASTING with the first two members as hosts.
 */
export function generateSeed(rooms: number, members: number, joinedAt = Date.UTC(2025, 0, 15, 8, 0, 0)): Seed {
  const roomMembers = (r: number, idOf: (i: number) => string = worldIds.user) =>
    Array.from({ length: members }, (_, i) => ({
      userId: idOf(i),
      joinedAt: joinedAt + i * 1000,
      nickname: `user${i + 1}`,
      role: (i === 0 ? 1 : 0) as 0 | 1,
      invisible: i % 10 === 9,
    })).map((m) => ({ ...m, joinedAt: m.joinedAt + r }));
  const range = Array.from({ length: rooms }, (_, r) => r + 1);
  // Conversations also hold string-id members (`user1`…), for apps with string user ids.
  const stringIdMembers = (r: number) => roomMembers(r).map((m, i) => ({ ...m, userId: `user${i + 1}`, stringId: true }));
  return {
    volcengine: {
      conversations: Object.fromEntries(range.map((r) => [worldIds.volcengineGroup(r), [...roomMembers(r), ...stringIdMembers(r)]])),
      rooms: Object.fromEntries(range.map((r) => [`room-${r}`, roomMembers(r)])),
    },
    aliyun: { groups: Object.fromEntries(range.map((r) => [`group-${r}`, roomMembers(r)])) },
    tencent: { rooms: Object.fromEntries(range.map((r) => [`room-${r}`, roomMembers(r)])) },
    agora: {
      channels: Object.fromEntries(
        range.map((r) => [
          `channel-${r}`,
          r % 2 === 1
            ? roomMembers(r, worldIds.agoraUid)
            : roomMembers(r, worldIds.agoraUid).map((m, i) => ({ ...m, agoraRole: i < 2 ? ('host' as const) : ('audience' as const) })),
        ]),
      ),
    },
  };
}

type Rooms = Map<string, Map<string, Member>>;

function toRooms(record: Record<string, SeedMember[]> | undefined, now: number): Rooms {
  return new Map(
    Object.entries(record ?? {}).map(([room, members]) => [
      room,
      new Map(members.map((m) => [String(m.userId), { ...m, userId: String(m.userId), joinedAt: m.joinedAt ?? now }])),
    ]),
  );
}

export type VendorName = 'volcengine' | 'aliyun' | 'tencent' | 'agora';

/** A member joining or leaving a room of the world (the callbacks the vendors post are made from these). */
export interface WorldChange {
  space: keyof World['rooms'];
  room: string;
  member: Member;
  change: 'join' | 'leave';
}

export class World {
  readonly volcengineImAppId: number;
  readonly volcengineRtcAppId: string;
  readonly aliyunAppId: string;
  readonly aliyunLiveMessageAppId: string;
  readonly aliyunDataCenter: 'cn-shanghai' | 'ap-southeast-1';
  readonly agoraAppId: string;
  readonly rooms: Record<'volcengine-im' | 'volcengine-rtc' | 'aliyun' | 'tencent' | 'agora', Rooms>;

  constructor(seed: Seed = {}, now = Date.now()) {
    this.volcengineImAppId = seed.volcengine?.imAppId ?? DEFAULT_APPS.volcengineImAppId;
    this.volcengineRtcAppId = seed.volcengine?.rtcAppId ?? DEFAULT_APPS.volcengineRtcAppId;
    this.aliyunAppId = seed.aliyun?.appId ?? DEFAULT_APPS.aliyunAppId;
    this.aliyunLiveMessageAppId = seed.aliyun?.liveMessageAppId ?? DEFAULT_APPS.aliyunLiveMessageAppId;
    this.aliyunDataCenter = seed.aliyun?.dataCenter ?? DEFAULT_APPS.aliyunDataCenter;
    this.agoraAppId = seed.agora?.appId ?? DEFAULT_APPS.agoraAppId;
    this.rooms = {
      'volcengine-im': toRooms(seed.volcengine?.conversations, now),
      'volcengine-rtc': toRooms(seed.volcengine?.rooms, now),
      aliyun: toRooms(seed.aliyun?.groups, now),
      tencent: toRooms(seed.tencent?.rooms, now),
      agora: toRooms(seed.agora?.channels, now),
    };
  }

  readonly #listeners = new Set<(change: WorldChange) => void>();

  /** Calls `listener` on every join of a member not in the room and every leave; returns the unsubscribe. */
  onChange(listener: (change: WorldChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  join(space: keyof World['rooms'], room: string, member: Member): void {
    let members = this.rooms[space].get(room);
    if (!members) this.rooms[space].set(room, (members = new Map()));
    const joined = { ...member, userId: String(member.userId) };
    const isNew = !members.has(joined.userId);
    members.set(joined.userId, joined);
    if (isNew) for (const listener of this.#listeners) listener({ space, room, member: joined, change: 'join' });
  }

  leave(space: keyof World['rooms'], room: string, userId: string): boolean {
    const member = this.rooms[space].get(room)?.get(userId);
    if (!member) return false;
    this.rooms[space].get(room)!.delete(userId);
    for (const listener of this.#listeners) listener({ space, room, member, change: 'leave' });
    return true;
  }

  summary() {
    return Object.fromEntries(Object.entries(this.rooms).map(([space, rooms]) => [space, Object.fromEntries([...rooms].map(([room, m]) => [room, m.size]))]));
  }
}
