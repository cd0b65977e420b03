// A fleet sharing one vendor quota through @rollcall/limiter-redis while things go wrong (issue 22):
// four processes, each a status job through presence-core, against the vendor server counting
// arrivals the way the vendor does (any second, on arrival). Six scenarios: Redis killed and
// restarted, frozen for 3 s, never reachable, every core busy, a process joining late, a process
// killed mid-job. Faults are set off by the vendor's progress (calls served), not by time, so a
// slow machine meets them at the same point of the job. Used by `pnpm bench` (figures) and by
// tests/qps/fleet-faults.test.ts (throttled 0, arrivals ≤ QPS; never a speed).
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { freePort } from '@rollcall/test-support/mock-servers';
import { startRedis, type TestRedis } from '@rollcall/test-support/redis';
import { floorMs, volcengineStatusJob } from './jobs.js';
import { cpuHog, here, startVendor, type VendorProcess } from './processes.js';

export const FLEET_SCENARIOS = [
  'Redis killed and restarted',
  'Redis frozen for 3 s',
  'Redis never reachable',
  'every core busy',
  'a process joining late',
  'a process killed mid-job',
] as const;
export type FleetScenario = (typeof FLEET_SCENARIOS)[number];

export interface FleetOutcome {
  scenario: FleetScenario;
  rttMs: number;
  jitterMs: number;
  processes: number;
  /** Calls the vendor counted (served and throttled). */
  calls: number;
  throttled: number;
  /** The most calls that arrived within any one second. */
  maxPerSecond: number;
  qps: number;
  /** Jobs that finished with every id answered (a killed process's does not). */
  finished: number;
  elapsedMs: number;
  floorMs: number;
  /** Moves to the local fallback, over all processes. */
  fallbacks: number;
  /** Slots given up because a process's timer reached them too late, over all processes. */
  staleSlots: number;
}

const PROCESSES = 4;

interface WorkerResult {
  ok: boolean;
  startedAt: number;
  doneAt: number;
  calls: number;
  fallbacks: number;
  staleSlots: number;
}

function startWorker(vendorUrl: string, redisUrl: string, ids: number): { child: ChildProcess; result: Promise<WorkerResult | undefined> } {
  const child = spawn(process.execPath, ['--import', 'tsx', here('./fleet-worker.ts'), vendorUrl, redisUrl, String(ids)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let text = '';
  child.stdout!.on('data', (d) => (text += d));
  const result = once(child, 'exit').then(([code]) => (code === 0 ? (JSON.parse(text) as WorkerResult) : undefined));
  return { child, result };
}

/** Resolves once the vendor has counted `calls` calls of the operation (polled). */
async function whenServed(vendor: VendorProcess, operationId: string, calls: number): Promise<void> {
  for (;;) {
    const stats = await vendor.stats(operationId);
    if (stats.served + stats.throttled >= calls) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * One scenario, start to end: its own vendor server (and Redis, for the five that have one), four
 * processes of `idsPerProcess` ids each. Everything started here is stopped here.
 */
export async function runFleetScenario(
  scenario: FleetScenario,
  { rttMs = 0, jitterMs = 0, idsPerProcess = 25_000 }: { rttMs?: number; jitterMs?: number; idsPerProcess?: number } = {},
): Promise<FleetOutcome> {
  const job = volcengineStatusJob(idsPerProcess);
  const vendor = await startVendor(rttMs, jitterMs);
  const redis: TestRedis | undefined = scenario === 'Redis never reachable' ? undefined : await startRedis();
  const redisUrl = redis?.url ?? `redis://127.0.0.1:${await freePort()}`;
  const hog = scenario === 'every core busy' ? cpuHog() : undefined;
  const workers: Array<ReturnType<typeof startWorker>> = [];
  const totalCalls = PROCESSES * job.calls;
  try {
    const startAll = scenario === 'a process joining late' ? PROCESSES - 1 : PROCESSES;
    for (let i = 0; i < startAll; i++) workers.push(startWorker(vendor.url, redisUrl, idsPerProcess));
    // Each fault about a third into the job (the late joiner: a quarter into the others' work).
    const atThird = Math.floor(totalCalls / 3);
    switch (scenario) {
      case 'Redis killed and restarted':
        await whenServed(vendor, job.operationId, atThird);
        await redis!.kill();
        await new Promise((r) => setTimeout(r, 1_000));
        await redis!.start();
        break;
      case 'Redis frozen for 3 s':
        await whenServed(vendor, job.operationId, atThird);
        await redis!.freeze(3);
        break;
      case 'a process joining late':
        await whenServed(vendor, job.operationId, Math.floor(((PROCESSES - 1) * job.calls) / 4));
        workers.push(startWorker(vendor.url, redisUrl, idsPerProcess));
        break;
      case 'a process killed mid-job':
        await whenServed(vendor, job.operationId, atThird);
        workers[0]!.child.kill('SIGKILL');
        break;
    }
    const results = await Promise.all(workers.map((w) => w.result));
    const done = results.filter((r): r is WorkerResult => r !== undefined);
    const stats = await vendor.stats(job.operationId);
    return {
      scenario,
      rttMs,
      jitterMs,
      processes: PROCESSES,
      calls: stats.served + stats.throttled,
      throttled: stats.throttled,
      maxPerSecond: stats.maxPerSecond,
      qps: job.qps,
      finished: done.filter((r) => r.ok).length,
      elapsedMs: Math.max(...done.map((r) => r.doneAt)) - Math.min(...done.map((r) => r.startedAt)),
      floorMs: floorMs({ ...job, calls: stats.served }, rttMs, jitterMs),
      fallbacks: done.reduce((n, r) => n + r.fallbacks, 0),
      staleSlots: done.reduce((n, r) => n + r.staleSlots, 0),
    };
  } finally {
    for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
    await hog?.stop();
    await redis?.stop();
    await vendor.stop();
  }
}
