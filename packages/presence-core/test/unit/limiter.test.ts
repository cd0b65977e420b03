import { describe, expect, it } from 'vitest';
import { burstFor, MAX_SEND_DELAY_MS, QpsLimiter } from '../../src/limiter.js';
import { FakeClock, maxInWindow } from '../support/fakes.js';

describe('QpsLimiter', () => {
  it('paces calls evenly: one every window / qps', async () => {
    const clock = new FakeClock();
    const limiter = new QpsLimiter({ qps: 4, clock, windowMs: 1000 });
    const starts: number[] = [];
    for (let i = 0; i < 6; i++) {
      const answered = await clock.run(limiter.acquire());
      starts.push(clock.now());
      answered();
    }
    expect(starts).toEqual([0, 250, 500, 750, 1000, 1250]);
  });

  it('after a quiet spell lets a fifth of the quota start at once, then paces, never over qps in a window', async () => {
    const clock = new FakeClock();
    const qps = 100;
    const limiter = new QpsLimiter({ qps, clock, windowMs: 1000 });
    expect(burstFor(qps)).toBe(20);
    expect(burstFor(4)).toBe(1);
    const starts: number[] = [];
    const take = async (n: number) => {
      for (let i = 0; i < n; i++) {
        const answered = await clock.run(limiter.acquire());
        starts.push(clock.now());
        answered();
      }
    };
    await take(150);
    // 20 together, then one every 10 ms; the 101st waits for the first to be a window behind.
    expect(starts.slice(0, 21)).toEqual([...Array(20).fill(0), 10]);
    expect(starts[99]).toBe(800);
    // Held back by the window, the quota is busy, not idle: paced from there, not another burst.
    expect(starts.slice(100, 103)).toEqual([1000, 1010, 1020]);
    expect(maxInWindow(starts)).toBe(qps);
    // Busy since: no burst. Quiet for two windows: the burst is back, and the window still holds.
    await clock.advance(2000);
    const quietFrom = starts.length;
    await take(30);
    expect(starts.slice(quietFrom, quietFrom + 20).every((t) => t === starts[quietFrom])).toBe(true);
    expect(starts[quietFrom + 20]).toBe(starts[quietFrom]! + 10);
    expect(maxInWindow(starts)).toBe(qps);
  });

  it('counts an answered call by when its answer came, at most the send delay after its start — more when its trip shows a late way there', async () => {
    const clock = new FakeClock();
    const limiter = new QpsLimiter({ qps: 1, clock, windowMs: 1000 });
    const quick = await clock.run(limiter.acquire()); // t=0
    await clock.advance(40);
    quick(); // answered 40 ms after it left: the least trip so far
    const slowWayThere = await clock.run(limiter.acquire());
    expect(clock.now()).toBe(1040);
    await clock.advance(400);
    slowWayThere(); // 400 ms, 360 over the quickest: it may have arrived that late
    await clock.run(limiter.acquire());
    expect(clock.now()).toBe(1040 + 360 + 1000);

    // Answered after the send delay, but no slower than the quickest: counted from start + that delay.
    const steady = new QpsLimiter({ qps: 1, clock, windowMs: 1000 });
    const t0 = clock.now();
    for (const trip of [300, 300]) {
      const answered = await clock.run(steady.acquire());
      await clock.advance(trip);
      answered();
    }
    await clock.run(steady.acquire());
    // Second call at t0 + 100 + 1000; the third a send delay and a window after that.
    expect(clock.now() - t0).toBe(2 * (MAX_SEND_DELAY_MS + 1000));
  });

  it('a call still out holds its place in the window until answered, unless the quickest answer takes a window', async () => {
    const clock = new FakeClock();
    const limiter = new QpsLimiter({ qps: 2, clock, windowMs: 1000 });
    (await clock.run(limiter.acquire()))(); // t=0, answered at once
    const stillOut = await clock.run(limiter.acquire()); // t=500
    expect(clock.now()).toBe(500);
    (await clock.run(limiter.acquire()))(); // the first call's place: t=1000
    expect(clock.now()).toBe(1000);
    const fourth = limiter.acquire();
    await clock.advance(700);
    stillOut(); // t=1700: out 1200 ms, so counted as arriving then
    await clock.run(fourth); // the third call's place frees first: 1000 + 1000
    expect(clock.now()).toBe(2000);
    const fifth = limiter.acquire();
    await clock.run(fifth);
    expect(clock.now()).toBe(2700);

    // A vendor that never answers in under a window: a call out still frees its place a send
    // delay and a window after it started.
    const slowVendor = new QpsLimiter({ qps: 1, clock, windowMs: 1000 });
    const t0 = clock.now();
    const first = await clock.run(slowVendor.acquire());
    const second = slowVendor.acquire();
    await clock.advance(1500);
    first(); // the least trip is 1500 ms
    await clock.run(second);
    expect(clock.now() - t0).toBe(1500);
    await clock.run(slowVendor.acquire()); // the second is still out
    expect(clock.now() - t0).toBe(1500 + MAX_SEND_DELAY_MS + 1000);
  });

  it('a pause holds every waiter', async () => {
    const clock = new FakeClock();
    const limiter = new QpsLimiter({ qps: 100, clock });
    (await clock.run(limiter.acquire()))();
    limiter.pause(2000);
    const waiting = [limiter.acquire(), limiter.acquire()];
    await clock.advance(1999);
    let released = 0;
    for (const w of waiting) void w.then(() => released++);
    await clock.settle();
    expect(released).toBe(0);
    await clock.run(Promise.all(waiting));
    expect(clock.now()).toBeGreaterThanOrEqual(2000);
  });

  it('an aborted waiter gives up its turn without blocking the next', async () => {
    const clock = new FakeClock();
    const limiter = new QpsLimiter({ qps: 1, clock, windowMs: 1000 });
    (await clock.run(limiter.acquire()))();
    const controller = new AbortController();
    const gaveUp = limiter.acquire(controller.signal);
    const next = limiter.acquire();
    controller.abort(new Error('no'));
    await expect(gaveUp).rejects.toThrow('no');
    await clock.run(next);
    expect(clock.now()).toBe(1000);
  });
});
