// A seed (rooms and members per vendor) as it arrives from a file: checked, so a wrong shape is an
// error naming the field rather than an emulator that answers strangely.
import * as z from 'zod';
import type { Seed } from './world.js';

const member = z.strictObject({
  userId: z.union([z.string().min(1), z.number().int()]).transform(String),
  joinedAt: z.number().int().nonnegative().optional(),
  nickname: z.string().optional(),
  role: z.union([z.literal(0), z.literal(1), z.literal(2)]).optional(),
  invisible: z.boolean().optional(),
  stringId: z.boolean().optional(),
  agoraRole: z.enum(['host', 'audience']).optional(),
});
const rooms = z.record(z.string().min(1), z.array(member));

const seedSchema = z.strictObject({
  volcengine: z
    .strictObject({
      imAppId: z.number().int().optional(),
      conversations: z.record(z.string().regex(/^\d+$/, 'conversation ids are decimal integers'), z.array(member)).optional(),
      rtcAppId: z.string().min(1).optional(),
      rooms: rooms.optional(),
    })
    .optional(),
  aliyun: z
    .strictObject({
      appId: z.string().min(1).optional(),
      liveMessageAppId: z.string().min(1).optional(),
      dataCenter: z.enum(['cn-shanghai', 'ap-southeast-1']).optional(),
      groups: rooms.optional(),
    })
    .optional(),
  tencent: z.strictObject({ rooms: rooms.optional() }).optional(),
  agora: z
    .strictObject({
      appId: z.string().min(1).optional(),
      channels: z
        .record(
          z.string().min(1),
          z.array(
            member.extend({
              userId: z.union([z.string().regex(/^[1-9]\d*$/, 'Agora uids are positive integers'), z.number().int().positive()]).transform(String),
            }),
          ),
        )
        .optional(),
    })
    .optional(),
});

export class SeedError extends Error {
  override readonly name = 'SeedError';
  constructor(
    message: string,
    /** Where in the seed (dotted path), when the shape is wrong. */
    readonly path: string,
  ) {
    super(message);
  }
}

/** Checks a parsed seed; a member without `joinedAt` joins at `now`. */
export function parseSeed(value: unknown, now = Date.now()): Seed {
  const result = seedSchema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const path = issue.path.join('.');
    throw new SeedError(`${path || '(the seed)'}: ${issue.message}`, path);
  }
  const withTimes = (record: Record<string, Array<{ joinedAt?: number | undefined }>> | undefined) =>
    record && Object.fromEntries(Object.entries(record).map(([room, list]) => [room, list.map((m) => ({ ...m, joinedAt: m.joinedAt ?? now }))]));
  const seed = result.data;
  return {
    ...(seed.volcengine && {
      volcengine: { ...seed.volcengine, conversations: withTimes(seed.volcengine.conversations), rooms: withTimes(seed.volcengine.rooms) },
    }),
    ...(seed.aliyun && { aliyun: { ...seed.aliyun, groups: withTimes(seed.aliyun.groups) } }),
    ...(seed.tencent && { tencent: { rooms: withTimes(seed.tencent.rooms) } }),
    ...(seed.agora && { agora: { ...seed.agora, channels: withTimes(seed.agora.channels) } }),
  } as Seed;
}
