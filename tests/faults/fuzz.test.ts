// Fuzzing every public entry point (the five client methods; presence `status`, `isOnline`,
// `roster`, `details`): whatever the input, a bad one ends in RequestValidationError with nothing
// sent, and a good one succeeds. "Good" is decided here, independently of the generated schemas,
// from the limits the docs state (batch sizes come from the operation tables).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createAliyunLiveClient, operations as aliyunOps } from '@rollcall/aliyun-live';
import { createPresence, LimiterRegistry, RequestValidationError } from '@rollcall/presence-core';
import { aliyun } from '@rollcall/presence-core/aliyun';
import { tencent } from '@rollcall/presence-core/tencent';
import { volcengine } from '@rollcall/presence-core/volcengine';
import { createTencentLiveClient } from '@rollcall/tencent-live';
import { createVolcengineRtcClient, operations as volcOps } from '@rollcall/volcengine-rtc';
import { jsonResponse } from '@rollcall/test-support';
import { goodAnswer, operationOf } from './hostile-server.js';

const RUNS = 1000;
const volcBatch = volcOps.queryLiveParticipantStatus.batch.max;
const aliyunBatch = aliyunOps.batchGetOnlineUsers.batch.max;

// --- what the docs allow -------------------------------------------------------------------------
const wellFormed = (v: unknown): v is string => typeof v === 'string' && !/\p{Cs}/u.test(v);
const text = (v: unknown, min = 1, max = Infinity) => wellFormed(v) && v.length >= min && v.length <= max;
const safeInt = (v: unknown) => typeof v === 'number' && Number.isSafeInteger(v);
const int32 = (v: unknown) => safeInt(v) && (v as number) >= -(2 ** 31) && (v as number) < 2 ** 31;
const list = (v: unknown, max: number, item: (x: unknown) => boolean) => Array.isArray(v) && v.length >= 1 && v.length <= max && v.every(item);
const exactly = (v: unknown, keys: string[]) =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).sort().join() === [...keys].sort().join();
const inInt64 = (n: bigint) => n >= -(2n ** 63n) && n < 2n ** 63n;
const decimalId = (v: unknown) => typeof v === 'string' && /^(0|-?[1-9]\d*)$/.test(v) && inInt64(BigInt(v));
/** An int64 request field: a bigint or a decimal string in range, or a safe-integer number. */
const int64 = (v: unknown) => (typeof v === 'bigint' && inInt64(v)) || safeInt(v) || decimalId(v);
const volcRoomId = (v: unknown) => typeof v === 'string' && /^[a-zA-Z0-9@._-]{1,128}$/.test(v);
const aliyunUserId = (v: unknown) => text(v) && !(v as string).includes(',');

// --- inputs: mostly plausible, often broken ------------------------------------------------------
const junk = fc.oneof(fc.anything(), fc.string({ unit: 'binary' }), fc.bigInt(), fc.double(), fc.constant(undefined), fc.integer(), fc.constant(null));
const maybe = <T>(good: fc.Arbitrary<T>) => fc.oneof({ weight: 5, arbitrary: good as fc.Arbitrary<unknown> }, { weight: 1, arbitrary: junk });
const anyText = fc.oneof(fc.string({ minLength: 0, maxLength: 12 }), fc.string({ unit: 'binary', maxLength: 6 }), fc.stringMatching(/^[a-z0-9]{1,8}$/));
// Real-shaped ids: snowflakes and 19-digit groups on both sides of 2^53 and of the int64 range.
const wideInteger = fc.oneof(
  fc.bigInt({ min: -(2n ** 64n), max: 2n ** 64n }),
  fc.bigInt({ min: 2n ** 53n - 4n, max: 2n ** 53n + 4n }),
  fc.constantFrom(2n ** 63n - 1n, 2n ** 63n),
);
const decimal = fc.oneof(
  fc.integer({ min: 0, max: 1e6 }).map(String),
  wideInteger.map(String),
  fc.constantFrom('7226277271248584971', '9007199254740993', '007', '-0'),
  anyText,
);
const int64Input = fc.oneof(fc.integer(), fc.double(), wideInteger, decimal);
function record(fields: Record<string, fc.Arbitrary<unknown>>) {
  // Sometimes a field goes missing, sometimes one nobody documented comes along.
  return fc
    .tuple(fc.record(fields, { requiredKeys: [] }), fc.option(fc.dictionary(fc.stringMatching(/^[A-Z][a-z]{1,5}$/), junk, { maxKeys: 1 }), { freq: 5 }))
    .map(([r, extra]) => ({ ...r, ...(extra ?? {}) }));
}

// --- upstream: answers whatever is asked, counting requests ------------------------------------
function upstream() {
  let requests = 0;
  const fetch = async (request: Request): Promise<Response> => {
    requests++;
    const url = new URL(request.url);
    const body = await request.text();
    const operation = operationOf({ method: request.method, url, headers: Object.fromEntries(request.headers), body });
    return jsonResponse(goodAnswer(operation, { operation, fault: 'ok', url: url.href, headers: {}, body }));
  };
  return { fetch, requests: () => requests };
}

/** The property every entry point holds. */
async function holds(valid: boolean, attempt: (fetch: (r: Request) => Promise<Response>) => Promise<unknown>) {
  const up = upstream();
  // (roster() refuses a bad room as it is called, before it returns its query: a throw, not a rejection.)
  const outcome = await Promise.resolve()
    .then(() => attempt(up.fetch))
    .then(
      () => 'ok' as const,
      (error: unknown) => error,
    );
  if (valid) {
    expect(outcome).toBe('ok');
  } else {
    expect(outcome).toBeInstanceOf(RequestValidationError);
    expect(up.requests()).toBe(0);
  }
}

const volc = (fetch: (r: Request) => Promise<Response>) => createVolcengineRtcClient({ credentials: { accessKeyId: 'AK', secretAccessKey: 'SK' }, fetch });
const unlimited = {
  limiters: new LimiterRegistry(),
  qps: { QueryLiveParticipantStatus: 1e9, BatchGetConversationParticipant: 1e9, GetRoomOnlineUsers: 1e9, BatchGetOnlineUsers: 1e9, GetMemberList: 1e9 },
};
const volcPresence = (fetch: (r: Request) => Promise<Response>) =>
  createPresence(volcengine({ credentials: { accessKeyId: 'AK', secretAccessKey: 'SK' }, fetch, imAppId: 1, rtcAppId: 'rtc' }), unlimited);

const imRequest = record({
  AppId: maybe(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 })),
  ConversationShortId: maybe(int64Input),
  ParticipantUserIds: maybe(fc.array(maybe(int64Input), { minLength: 0, maxLength: volcBatch + 2 })),
});
const imValid = (i: any) =>
  exactly(i, ['AppId', 'ConversationShortId', 'ParticipantUserIds']) &&
  int32(i.AppId) &&
  int64(i.ConversationShortId) &&
  list(i.ParticipantUserIds, volcBatch, int64);

const cases: Array<{
  name: string;
  arbitrary: fc.Arbitrary<any>;
  valid: (input: any) => boolean;
  attempt: (input: any, fetch: (r: Request) => Promise<Response>) => Promise<unknown>;
}> = [
  { name: 'volcengine queryLiveParticipantStatus', arbitrary: imRequest, valid: imValid, attempt: (i, f) => volc(f).queryLiveParticipantStatus(i) },
  { name: 'volcengine batchGetConversationParticipant', arbitrary: imRequest, valid: imValid, attempt: (i, f) => volc(f).batchGetConversationParticipant(i) },
  {
    name: 'volcengine getRoomOnlineUsers',
    arbitrary: record({ AppId: maybe(anyText), RoomId: maybe(fc.oneof(anyText, fc.stringMatching(/^[a-zA-Z0-9@._-]{1,130}$/))) }),
    valid: (i) => exactly(i, ['AppId', 'RoomId']) && text(i.AppId, 1, 128) && volcRoomId(i.RoomId),
    attempt: (i, f) => volc(f).getRoomOnlineUsers(i),
  },
  {
    name: 'aliyun batchGetOnlineUsers',
    arbitrary: record({ AppId: maybe(anyText), GroupId: maybe(anyText), UserIds: maybe(fc.array(maybe(anyText), { maxLength: aliyunBatch + 2 })) }),
    valid: (i) => exactly(i, ['AppId', 'GroupId', 'UserIds']) && text(i.AppId) && text(i.GroupId) && list(i.UserIds, aliyunBatch, aliyunUserId),
    attempt: (i, f) => createAliyunLiveClient({ credentials: { accessKeyId: 'AK', accessKeySecret: 'SK' }, fetch: f }).batchGetOnlineUsers(i),
  },
  {
    name: 'tencent getMemberList',
    arbitrary: record({ RoomId: maybe(anyText), Next: maybe(anyText) }),
    valid: (i) => exactly(i, ['RoomId', 'Next']) && text(i.RoomId) && text(i.Next, 0),
    attempt: (i, f) => createTencentLiveClient({ credentials: { sdkAppId: 1400000000, identifier: 'admin', secretKey: 'key' }, fetch: f }).getMemberList(i),
  },
  {
    name: 'presence status (Volcengine ids)',
    arbitrary: fc.tuple(maybe(decimal), fc.array(maybe(decimal), { maxLength: volcBatch + 5 })),
    valid: ([room, ids]) => decimalId(room) && ids.every(decimalId),
    attempt: ([room, ids], f) => volcPresence(f).status(room, ids),
  },
  {
    name: 'presence status (Alibaba ids)',
    arbitrary: fc.tuple(maybe(anyText), fc.array(maybe(anyText), { maxLength: aliyunBatch * 2 + 1 })),
    valid: ([room, ids]) => text(room) && ids.every(aliyunUserId),
    attempt: ([room, ids], f) =>
      createPresence(aliyun({ credentials: { accessKeyId: 'AK', accessKeySecret: 'SK' }, fetch: f, appId: 'app' }), unlimited).status(room, ids),
  },
  {
    name: 'presence isOnline (Volcengine)',
    arbitrary: fc.tuple(maybe(decimal), maybe(decimal)),
    valid: ([room, id]) => decimalId(room) && decimalId(id),
    attempt: ([room, id], f) => volcPresence(f).isOnline(room, id),
  },
  {
    name: 'presence roster (Volcengine rooms, Tencent rooms)',
    arbitrary: fc.tuple(fc.boolean(), maybe(fc.oneof(anyText, fc.stringMatching(/^[a-zA-Z0-9@._-]{1,130}$/)))),
    valid: ([onVolcengine, room]) => (onVolcengine ? volcRoomId(room) : text(room)),
    attempt: ([onVolcengine, room], f) =>
      (onVolcengine
        ? volcPresence(f)
        : createPresence(tencent({ credentials: { sdkAppId: 1400000000, identifier: 'admin', secretKey: 'key' }, fetch: f }), unlimited)
      )
        .roster(room)
        .all(),
  },
  {
    name: 'presence details (Volcengine)',
    arbitrary: fc.tuple(maybe(decimal), fc.array(maybe(decimal), { maxLength: volcBatch + 5 })),
    valid: ([room, ids]) => decimalId(room) && ids.every(decimalId),
    attempt: ([room, ids], f) => volcPresence(f).details(room, ids),
  },
];

describe(`fuzzing every entry point (${RUNS} inputs each, ${RUNS * 10} in all)`, () => {
  it.each(cases)('$name: bad input is a RequestValidationError with nothing sent; good input succeeds', async ({ arbitrary, valid, attempt }) => {
    await fc.assert(
      fc.asyncProperty(arbitrary, (input) => holds(valid(input), (fetch) => attempt(input, fetch))),
      { numRuns: RUNS },
    );
  });
});
