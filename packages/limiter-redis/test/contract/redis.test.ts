// The Redis limiter against a real redis-server this test starts: one quota for several
// registries (a fleet), atomically; keys that expire; and the faults — Redis unreachable at start,
// stopped mid-run, restarted, frozen — with no crash, no hang and no lost or duplicated id.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { createPresence, type LimiterKey } from '@rollcall/presence-core';
import { volcengine } from '@rollcall/presence-core/volcengine';
import { DEFAULT_APPS, DEMO_CREDENTIALS, generateSeed, startEmulator, worldIds, type RunningEmulator } from '@rollcall/emulator';
import { maxInWindow } from '@rollcall/test-support';
import { startRedis, type TestRedis } from '@rollcall/test-support/redis';
import { freePort } from '@rollcall/test-support/mock-servers';
import { MAX_STALE_SLOTS_PER_CALL, RedisLimiterRegistry, UNKNOWN_FLEET_SHARE } from '../../src/index.js';

const WINDOW_MS = 1000;
let redis: TestRedis;
let emulator: RunningEmulator;
const registries: RedisLimiterRegistry[] = [];
const registry = (options: ConstructorParameters<typeof RedisLimiterRegistry>[0]) => {
  const made = new RedisLimiterRegistry(options);
  registries.push(made);
  return made;
};
let keyCounter = 0;
const key = (qps: number): LimiterKey => ({ vendor: 'volcengine', account: `AK-${++keyCounter}`, operation: 'QueryLiveParticipantStatus', qps });

/** `calls` acquisitions through `limiter`, each released at once (an answer with no delay); their start times. */
async function drive(limiter: ReturnType<RedisLimiterRegistry['get']>, calls: number): Promise<number[]> {
  const starts: number[] = [];
  await Promise.all(
    Array.from({ length: calls }, async () => {
      const release = await limiter.acquire();
      starts.push(Date.now());
      release();
    }),
  );
  return starts;
}

beforeAll(async () => {
  redis = await startRedis();
  emulator = await startEmulator({ seed: generateSeed(1, 10) });
});

afterAll(async () => {
  for (const made of registries) await made.close();
  await emulator?.close();
  await redis?.stop();
});

describe('one quota for a fleet', () => {
  it('four registries sharing one 40-QPS quota never start more than 40 calls in any second, together', async () => {
    const shared = key(40);
    const fleet = Array.from({ length: 4 }, () => registry({ url: redis.url }));
    const starts = (await Promise.all(fleet.map((r) => drive(r.get(shared), 30)))).flat();
    expect(starts).toHaveLength(120);
    expect(maxInWindow(starts)).toBeLessThanOrEqual(40);
    for (const r of fleet) expect(r.stats()).toMatchObject({ local: 0, fallbacks: 0, shared: 30 });
    // Two round trips a call: the reservation and the release.
    expect(fleet[0]!.stats().roundTrips).toBe(60);
  });

  /** Each reserved slot's arrival bound as Redis keeps it, by member, and the last start Redis gave. */
  async function recorded(k: LimiterKey): Promise<{ bounds: Map<string, number>; lastStart: number }> {
    const client = new Redis(redis.url);
    const slot = `rollcall:limiter:{${k.vendor}:${k.account}:${k.operation}}`;
    const scores = await client.zrange(`${slot}:calls`, '0', '-1', 'WITHSCORES');
    const next = Number(await client.hget(`${slot}:state`, 'next'));
    client.disconnect();
    const bounds = new Map<string, number>();
    for (let i = 0; i < scores.length; i += 2) bounds.set(scores[i]!, Number(scores[i + 1]));
    return { bounds, lastStart: next - (WINDOW_MS + 5) / k.qps };
  }

  /**
   * Two calls on a fresh 2-QPS quota, the first answered at once; `answer` answers the second. Then
   * a third reservation (on the same connection, so Redis has applied the release before it).
   * Returns how far after the start Redis gave it the second call's arrival bound ends, and the
   * limiter's stats after the second call. (The second call's slot is the last reserved before it
   * went: any reserved before it were given up.)
   */
  async function secondCallBound(clock: ConstructorParameters<typeof RedisLimiterRegistry>[0]['clock'], answer: (release: () => void) => Promise<void>) {
    const k = key(2);
    const made = registry({ url: redis.url, clock });
    const limiter = made.get(k);
    (await limiter.acquire())();
    const second = await limiter.acquire();
    const stats = made.stats();
    const before = await recorded(k);
    const used = [...before.bounds].reduce((latest, entry) => (entry[1] > latest[1] ? entry : latest))[0];
    await answer(second);
    await limiter.acquire();
    const { bounds } = await recorded(k);
    return { bound: bounds.get(used)! - before.lastStart, stats, reserved: before.bounds.size };
  }

  /** A clock whose first `sleeps` timers fire `lateMs` late (a busy event loop), the rest on time. */
  function lateTimers(sleeps: number, lateMs: number) {
    let left = sleeps;
    return {
      now: () => Date.now(),
      sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms + (left-- > 0 ? lateMs : 0))),
    };
  }

  it('a slot its timer reached too late is given up, still counted, and the call goes on the next one', async () => {
    // The second call's first timer fires 300 ms late.
    const { stats, reserved } = await secondCallBound(lateTimers(1, 300), async (release) => release());
    // (At least one: on a busy machine a real timer after it can be late too.)
    expect(stats.staleSlots).toBeGreaterThanOrEqual(1);
    expect(stats.shared).toBe(2);
    // Every slot given up stays counted in the window: the two calls' and each one given up.
    expect(reserved).toBe(2 + stats.staleSlots);
  });

  it('a call the process let leave late is counted from when it left, not from the start Redis gave it', async () => {
    // Every timer of the second call fires 300 ms late: it gives up its slots as far as it may, then
    // leaves 300 ms after the start Redis gave it, and is answered at once.
    const { bound, stats } = await secondCallBound(lateTimers(MAX_STALE_SLOTS_PER_CALL + 1, 300), async (release) => release());
    expect(stats.staleSlots).toBe(MAX_STALE_SLOTS_PER_CALL);
    // Without the lateness it would be start + MAX_SEND_DELAY_MS, and the window would reopen 200 ms early.
    expect(bound).toBeGreaterThanOrEqual(300 - 1);
  });

  it('a call whose round trip exceeds the least one by more than the send delay is counted that much later', async () => {
    // The first call's round trip is ~0; the second is answered 400 ms after it left.
    const { bound } = await secondCallBound(undefined, async (release) => {
      await new Promise((resolve) => setTimeout(resolve, 400));
      release();
    });
    // Its way there may have taken up to 400 ms, not the 100 assumed for a call answered sooner.
    expect(bound).toBeGreaterThanOrEqual(400 - 2);
  });

  it('keeps its keys per vendor, account and operation, each with an expiry', async () => {
    const k = key(10);
    await drive(registry({ url: redis.url }).get(k), 3);
    const client = new Redis(redis.url);
    const keys = (await client.keys(`rollcall:limiter:{volcengine:${k.account}:QueryLiveParticipantStatus}:*`)).sort();
    expect(keys.map((x) => x.split(':').pop())).toEqual(['calls', 'members', 'state']);
    for (const name of keys) {
      const ttl = await client.pttl(name);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(5 * (WINDOW_MS + 5) + 10_000);
    }
    client.disconnect();
  });

  it('a throttle pauses the quota for every member of the fleet', async () => {
    const k = key(50);
    const [a, b] = [registry({ url: redis.url }), registry({ url: redis.url })];
    await drive(a.get(k), 1);
    const pausedAt = Date.now();
    a.get(k).pause(400);
    await new Promise((r) => setTimeout(r, 20));
    const [start] = await drive(b.get(k), 1);
    expect(start! - pausedAt).toBeGreaterThanOrEqual(350);
  });
});

describe('what it shows', () => {
  it('never the Redis URL or its password: not in a limiter, not in the registry, not in a mode change', async () => {
    const reasons: string[] = [];
    const r = registry({ url: 'redis://:sEcReT-pw@127.0.0.1:1', onModeChange: (e) => reasons.push(e.reason) });
    const limiter = r.get(key(10));
    await drive(limiter, 1);
    for (const shown of [JSON.stringify(limiter), JSON.stringify(r), String(limiter), ...reasons]) expect(shown).not.toContain('sEcReT-pw');
  });
});

describe('when Redis is away', () => {
  it('unreachable at start: the local fallback at the unknown-fleet share, then Redis once it is up', async () => {
    const port = await freePort();
    const modes: string[] = [];
    const r = registry({ url: `redis://127.0.0.1:${port}`, probeIntervalMs: 100, onModeChange: (e) => modes.push(e.mode) });
    const k = key(40);
    const starts = await drive(r.get(k), 20);
    expect(starts).toHaveLength(20);
    expect(modes).toEqual(['local']);
    // 0.25 of 40 QPS: 10 a second.
    expect(maxInWindow(starts)).toBeLessThanOrEqual(40 * UNKNOWN_FLEET_SHARE);
    expect(r.stats()).toMatchObject({ shared: 0, local: 20, fallbacks: 1 });
    // Redis comes up on that port: the quota goes back to it.
    const late = await startRedisOn(port);
    await waitFor(async () => {
      await drive(r.get(k), 1);
      return modes.at(-1) === 'shared';
    });
    expect(r.stats().shared).toBeGreaterThan(0);
    await late.stop();
  });

  it('stopped mid-run and restarted: every call still gets a slot (no throw, no hang), on the fallback, then on Redis again', async () => {
    const modes: string[] = [];
    const r = registry({ url: redis.url, probeIntervalMs: 100, onModeChange: (e) => modes.push(e.mode) });
    const k = key(100);
    const running = drive(r.get(k), 300);
    await waitFor(async () => r.stats().shared >= 50);
    await redis.kill();
    await waitFor(async () => r.stats().local >= 20);
    await redis.start();
    const starts = await running;
    expect(starts).toHaveLength(300);
    await waitFor(async () => {
      await drive(r.get(k), 1);
      return modes.at(-1) === 'shared';
    });
    // (A busy machine may add a timeout or two: the moves begin with the fallback and end shared.)
    expect([modes[0], modes.at(-1)]).toEqual(['local', 'shared']);
  });

  it('frozen (slower than the command timeout): the fallback, then back', async () => {
    const modes: string[] = [];
    const r = registry({ url: redis.url, commandTimeoutMs: 100, probeIntervalMs: 100, onModeChange: (e) => modes.push(e.mode) });
    const k = key(100);
    await drive(r.get(k), 5);
    await redis.freeze(1);
    const starts = await drive(r.get(k), 10);
    expect(starts).toHaveLength(10);
    expect(modes[0]).toBe('local');
    await waitFor(async () => {
      await drive(r.get(k), 1);
      return modes.at(-1) === 'shared';
    });
  });

  it('killed after granting slots: the fallback lets nothing go until those calls are a window past; back on Redis, its local calls are written back', async () => {
    const modes: string[] = [];
    const r = registry({ url: redis.url, probeIntervalMs: 100, onModeChange: (e) => modes.push(e.mode) });
    const k = key(100);
    await drive(r.get(k), 30);
    await redis.kill();
    const killedAt = Date.now();
    // The first local slot: at least two windows and two send delays after Redis went (QPS 100,
    // one process seen: a pace slot more), whatever the fallback's share would allow at once.
    const [firstLocal] = await drive(r.get(k), 1);
    expect(modes).toEqual(['local']);
    expect(firstLocal! - killedAt).toBeGreaterThanOrEqual(2 * (WINDOW_MS + 5) + 2 * 100);
    await drive(r.get(k), 4);
    await redis.start();
    await waitFor(async () => {
      await drive(r.get(k), 1);
      return modes.at(-1) === 'shared';
    });
    // The restarted Redis knew nothing of them: the return wrote back the local calls of its window.
    const client = new Redis(redis.url);
    const members = await client.zrange(`rollcall:limiter:{${k.vendor}:${k.account}:${k.operation}}:calls`, '0', '-1');
    client.disconnect();
    expect(members.filter((m) => m.includes(':local:')).length).toBeGreaterThan(0);
  });

  it('presence over the emulator, Redis stopped mid-run: every id answered exactly once', async () => {
    const limiters = registry({ url: redis.url, probeIntervalMs: 100 });
    const presence = createPresence(volcengine({ credentials: DEMO_CREDENTIALS.volcengine, endpoint: emulator.url, imAppId: DEFAULT_APPS.volcengineImAppId }), {
      limiters,
    });
    const ids = worldIds.users(12_000);
    const before = emulator.stats().QueryLiveParticipantStatus?.served ?? 0;
    const pending = presence.status(worldIds.volcengineGroup(1), ids);
    await waitFor(async () => limiters.stats().shared >= 10);
    await redis.kill();
    await waitFor(async () => limiters.stats().local >= 5);
    await redis.start();
    const result = await pending;
    expect(result.map((e) => e.userId)).toEqual(ids);
    expect(result.filter((e) => e.ok && e.online).map((e) => e.userId)).toEqual(ids.slice(0, 10));
    // One call per batch: nothing sent twice, nothing lost.
    expect(emulator.stats().QueryLiveParticipantStatus!.served - before).toBe(60);
  });
});

async function waitFor(check: () => Promise<boolean>) {
  // Bounded by the test's timeout; polls as fast as the check allows.
  while (!(await check())) await new Promise((r) => setTimeout(r, 20));
}

/** A second redis-server on a given port (for the unreachable-at-start case). */
async function startRedisOn(port: number) {
  const { spawn } = await import('node:child_process');
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const probe = new Redis(`redis://127.0.0.1:${port}`, { lazyConnect: true, retryStrategy: () => 50, maxRetriesPerRequest: null });
  probe.on('error', () => undefined);
  await probe.connect().catch(() => undefined);
  await probe.ping();
  probe.disconnect();
  return {
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}
