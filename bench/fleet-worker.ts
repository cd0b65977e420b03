// One process of a fleet: a status job through the shared (Redis) limiter, or its own.
//   tsx bench/fleet-worker.ts <vendor url> <redis url or ''> <ids>
import { LimiterRegistry } from '@rollcall/presence-core';
import { RedisLimiterRegistry } from '@rollcall/limiter-redis';
import { volcengineStatusJob } from './jobs.js';

const [url, redisUrl, count] = process.argv.slice(2);
const limiters = redisUrl ? new RedisLimiterRegistry({ url: redisUrl }) : new LimiterRegistry();
let ok = true;
const startedAt = Date.now();
try {
  await volcengineStatusJob(Number(count)).run(url!, limiters);
} catch (error) {
  ok = false;
  console.error(`fleet worker: ${(error as Error).message}`);
}
const stats = limiters instanceof RedisLimiterRegistry ? limiters.stats() : { roundTrips: 0, shared: 0, local: 0, acquireMs: 0, fallbacks: 0, staleSlots: 0 };
await (limiters as RedisLimiterRegistry).close?.();
console.log(
  JSON.stringify({
    ok,
    startedAt,
    doneAt: Date.now(),
    roundTrips: stats.roundTrips,
    calls: stats.shared + stats.local,
    acquireMs: stats.acquireMs,
    fallbacks: stats.fallbacks,
    staleSlots: stats.staleSlots,
  }),
);
