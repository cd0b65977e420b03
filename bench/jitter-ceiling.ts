// Why no limiter reaches 95 % of a quota counted on arrival when one-way delays spread over J:
// sends spaced perfectly evenly at `rate` per second, each arriving after a uniform delay in
// [0, J) ms, and the most arrivals any one-second window then holds. A run "throttles" when a
// window holds more than the quota (100). Part of `pnpm bench` (presence.md); alone: npx tsx bench/jitter-ceiling.ts
import { pathToFileURL } from 'node:url';

const QUOTA = 100;
const J_MS = 80;
const SECONDS = 11;
const RUNS = 2000;

function maxInAnySecond(rate: number): number {
  const arrivals = Array.from({ length: Math.floor(rate * SECONDS) }, (_, i) => (i * 1000) / rate + Math.random() * J_MS).sort((a, b) => a - b);
  let most = 0;
  for (let last = 0, first = 0; last < arrivals.length; last++) {
    while (arrivals[last]! - arrivals[first]! >= 1000) first++;
    most = Math.max(most, last - first + 1);
  }
  return most;
}

/** The table, as markdown lines. */
export function ceilingTable(): string[] {
  const lines = [`| sends per second | of the quota | runs with a window over ${QUOTA} (of ${RUNS}) |`, '| --- | --- | --- |'];
  for (const rate of [QUOTA / (1 + J_MS / 1000), 94, 95, 96, 97]) {
    let over = 0;
    for (let run = 0; run < RUNS; run++) if (maxInAnySecond(rate) > QUOTA) over++;
    lines.push(`| ${rate.toFixed(1)} | ${rate.toFixed(1)} % | ${((100 * over) / RUNS).toFixed(1)} % |`);
  }
  return lines;
}

if (import.meta.url === pathToFileURL(process.argv[1]!).href) console.log(ceilingTable().join('\n'));
