// presence-core against the emulator, end to end: the real clients, signed requests, the
// emulator's vendor semantics.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_APPS, DEMO_CREDENTIALS, generateSeed, startEmulator, worldIds, type RunningEmulator } from '@rollcall/emulator';
import { operations as tencentOps } from '@rollcall/tencent-live';
import { createPresence, LimiterRegistry, type Clock, type WatchEvent } from '../../src/index.js';
import { aliyun } from '../../src/providers/aliyun.js';
import { tencent } from '../../src/providers/tencent.js';
import { volcengine } from '../../src/providers/volcengine.js';

let emulator: RunningEmulator;
const cap = tencentOps.getMemberList.pagination.cap;

/** Members join and leave through the emulator's admin API. */
const admin = (action: 'join' | 'leave' | 'close', body: Record<string, string>) =>
  fetch(`${emulator.url}/__admin/${action}`, { method: 'POST', body: JSON.stringify(body) }).then((r) => {
    if (!r.ok) throw new Error(`admin ${action}: ${r.status}`);
  });

/** Real time, except that every wait is skipped (and counted): Tencent's 40 s refresh in no time. */
class SkippingClock implements Clock {
  skipped = 0;
  now() {
    return Date.now() + this.skipped;
  }
  sleep(ms: number, signal?: AbortSignal) {
    this.skipped += ms;
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      setImmediate(resolve);
    });
  }
}
beforeAll(async () => {
  emulator = await startEmulator({ seed: generateSeed(2, 500) });
  for (let i = 0; i < cap + 200; i++) emulator.world.join('tencent', 'big', { userId: `b${i}`, joinedAt: 0 });
});
afterAll(async () => {
  await emulator.close();
});

describe('Volcengine live groups with real-shaped ids', () => {
  it('a 19-digit live group and 450 user ids on both sides of 2^53: each answered exactly, under its own id', async () => {
    const presence = createPresence(volcengine({ credentials: DEMO_CREDENTIALS.volcengine, endpoint: emulator.url, imAppId: DEFAULT_APPS.volcengineImAppId }), {
      limiters: new LimiterRegistry(),
    });
    // The world's 500 members of group 1, from member 300 on, then 250 strangers next to them.
    const ids = [...worldIds.users(200, 300), ...Array.from({ length: 250 }, (_, i) => String(1_847_260_331_999_999_000n + BigInt(i)))];
    const result = await presence.status(worldIds.volcengineGroup(1), ids);
    expect(result.map((e) => e.userId)).toEqual(ids);
    expect(result.map((e) => e.ok && e.online)).toEqual(ids.map((_, i) => i < 200));
    const details = await presence.details(worldIds.volcengineGroup(1), [worldIds.user(0), worldIds.user(1)]);
    expect(details.map((d) => d.ok && [d.userId, d.found, d.role])).toEqual([
      [worldIds.user(0), true, 'owner'],
      [worldIds.user(1), true, 'member'],
    ]);
  });
});

describe("Alibaba apps of today's console (a data center: the LiveMessage operations)", () => {
  const presence = () =>
    createPresence(
      aliyun({
        credentials: DEMO_CREDENTIALS.aliyun,
        endpoint: emulator.url,
        appId: DEFAULT_APPS.aliyunLiveMessageAppId,
        dataCenter: DEFAULT_APPS.aliyunDataCenter,
      }),
      { limiters: new LimiterRegistry() },
    );

  it('status: members and strangers of a group, 10 ids per call, each answered under its own id', async () => {
    const before = emulator.stats().CheckLiveMessageUsersInGroup?.served ?? 0;
    const ids = [...worldIds.users(25, 475), ...Array.from({ length: 20 }, (_, i) => `stranger-${i}`)];
    const result = await presence().status('group-1', ids);
    expect(emulator.stats().CheckLiveMessageUsersInGroup!.served - before).toBe(Math.ceil(45 / 10));
    expect(result.map((e) => e.userId)).toEqual(ids);
    expect(result.map((e) => e.ok && e.online)).toEqual(ids.map((_, i) => i < 25));
  });

  it('roster: every member of a 500-member group across pages of 50, in the order they joined', async () => {
    const members = await presence().roster('group-2').all();
    expect(members.map((m) => m.userId)).toEqual(worldIds.users(500));
    await expect(presence().roster('no-such-group').all()).rejects.toMatchObject({ name: 'NotFoundError', code: 'ResourceNotExist' });
  });

  it('an app of the older console has no roster: a typed capability error', () => {
    const legacy = createPresence(aliyun({ credentials: DEMO_CREDENTIALS.aliyun, endpoint: emulator.url, appId: DEFAULT_APPS.aliyunAppId }));
    // @ts-expect-error roster needs dataCenter
    expect(() => legacy.roster('group-1')).toThrow(/dataCenter/);
  });
});

describe('Volcengine app with string user ids', () => {
  it('presence-core over the emulator with string ids: 450 ids in calls of at most 200 together, each answered under its string', async () => {
    const presence = createPresence(
      volcengine({ credentials: DEMO_CREDENTIALS.volcengine, endpoint: emulator.url, imAppId: DEFAULT_APPS.volcengineImAppId, userIds: 'string' }),
      { limiters: new LimiterRegistry() },
    );
    const before = emulator.stats().QueryLiveParticipantStatus?.served ?? 0;
    const ids = Array.from({ length: 450 }, (_, i) => (i % 3 === 0 ? `user${i + 1}` : `stranger${i}`));
    const result = await presence.status(worldIds.volcengineGroup(2), ids);
    expect(emulator.stats().QueryLiveParticipantStatus!.served - before).toBe(3);
    expect(result.map((e) => e.userId)).toEqual(ids);
    expect(result.map((e) => e.ok && e.online)).toEqual(ids.map((id) => id.startsWith('user')));
  });
});

describe('watch against the emulator: Tencent rooms', () => {
  const presence = (clock: Clock) =>
    createPresence(tencent({ credentials: DEMO_CREDENTIALS.tencent, endpoint: emulator.url }), { clock, limiters: new LimiterRegistry(undefined, clock) });

  async function next(events: AsyncIterator<WatchEvent>, n: number) {
    const out: WatchEvent[] = [];
    while (out.length < n) out.push((await events.next()).value as WatchEvent);
    return out;
  }

  it(`a room above the ${cap} cap: no leave invented for a member beyond it; a real leave, once the listing is complete`, async () => {
    const clock = new SkippingClock();
    const events = presence(clock).watch('big')[Symbol.asyncIterator]();
    const [snapshot] = await next(events, 1);
    expect(snapshot).toMatchObject({ type: 'snapshot', truncated: true });
    expect((snapshot as { members: string[] }).members).toHaveLength(cap);
    // b0 leaves: b1000, there all along, is listed now. Neither is called a join or a leave.
    await admin('leave', { space: 'tencent', room: 'big', userId: 'b0' });
    expect(await next(events, 1)).toMatchObject([{ type: 'unknown', vanished: ['b0'], appeared: [`b${cap}`] }]);
    // Down below the cap (b201…b1199): the listing is complete and settles it — b1…b200 left,
    // and so did b0.
    for (let i = 1; i <= 200; i++) await admin('leave', { space: 'tencent', room: 'big', userId: `b${i}` });
    const settled = await next(events, 201);
    expect(settled.every((e) => e.type === 'left')).toBe(true);
    expect(settled.map((e) => (e as { userId: string }).userId).sort()).toEqual(Array.from({ length: 201 }, (_, i) => `b${i}`).sort());
    expect(clock.skipped).toBeGreaterThanOrEqual(2 * tencentOps.getMemberList.refreshSeconds * 1000);
    await events.return?.();
  });

  it('a room that disappears: everyone in it left; it coming back brings them back', async () => {
    const clock = new SkippingClock();
    await admin('join', { space: 'tencent', room: 'short-lived', userId: 'x' });
    await admin('join', { space: 'tencent', room: 'short-lived', userId: 'y' });
    const events = presence(clock).watch('short-lived')[Symbol.asyncIterator]();
    expect(await next(events, 1)).toMatchObject([{ type: 'snapshot', members: ['x', 'y'] }]);
    await admin('close', { space: 'tencent', room: 'short-lived' });
    expect(await next(events, 3)).toMatchObject([
      { type: 'left', userId: 'x', reason: 'room-gone' },
      { type: 'left', userId: 'y', reason: 'room-gone' },
      { type: 'error', error: { name: 'NotFoundError' } },
    ]);
    await admin('join', { space: 'tencent', room: 'short-lived', userId: 'x' });
    expect(await next(events, 1)).toMatchObject([{ type: 'joined', userId: 'x' }]);
    await events.return?.();
  });
});
