// Why no limiter reaches 95 % of a quota counted on arrival when one-way delays spread over J:
// sends spaced perfectly evenly at `rate` per second, each arriving after a uniform delay in
// [0, J) ms, and the most arrivals any one-second window then holds. A run "throttles" when a
// window holds more than the quota. Part of `pnpm bench` (presence.md), for the fleet's quota and
// network; alone: npx tsx bench/jitter-ceiling.ts
import { pathToFileURL } from 'node:url';
import { volcengineStatusJob } from './jobs.js';

const SECONDS = 11;
const RUNS = 2000;

function maxInAnySecond(rate: number, jitterMs: number): number {
  const arrivals = Array.from({ length: Math.floor(rate * SECONDS) }, (_, i) => (i * 1000) / rate + Math.random() * jitterMs).sort((a, b) => a - b);
  let most = 0;
  for (let last = 0, first = 0; last < arrivals.length; last++) {
    while (arrivals[last]! - arrivals[first]! >= 1000) first++;
    most = Math.max(most, last - first + 1);
  }
  return most;
}

/** The table, as markdown lines. */
export function ceilingTable(quota: number, jitterMs: number): string[] {
  const lines = [`| sends per second | of the quota | runs with a window over ${quota} (of ${RUNS}) |`, '| --- | --- | --- |'];
  for (const share of [1 / (1 + jitterMs / 1000), 0.94, 0.95, 0.96, 0.97]) {
    const rate = quota * share;
    let over = 0;
    for (let run = 0; run < RUNS; run++) if (maxInAnySecond(rate, jitterMs) > quota) over++;
    lines.push(`| ${rate.toFixed(1)} | ${(100 * share).toFixed(1)} % | ${((100 * over) / RUNS).toFixed(1)} % |`);
  }
  return lines;
}

if (import.meta.url === pathToFileURL(process.argv[1]!).href) console.log(ceilingTable(volcengineStatusJob(0).qps, Number(process.argv[2] ?? 80)).join('\n'));
