// `pnpm bench` (fleet faults): the six fleet scenarios of bench/fleet-scenarios.ts at RTT 0 and at
// 250 ± 80 ms, written to bench/results/fleet-faults.md. Figures, not assertions (the assertions are
// tests/qps/fleet-faults.test.ts): throttled must be 0 and arrivals at most the QPS; elapsed ÷
// floor is what the faults cost.
import { writeFile } from 'node:fs/promises';
import { FLEET_SCENARIOS, runFleetScenario } from './fleet-scenarios.js';
import { here } from './processes.js';

const NETWORKS = [
  { rttMs: 0, jitterMs: 0 },
  { rttMs: 250, jitterMs: 80 },
];
/** Each scenario and distance is run this many times: a rare excess shows in the worst run. */
const RUNS = 3;
const rows: string[] = [];
for (const scenario of FLEET_SCENARIOS) {
  for (const network of NETWORKS) {
    const runs = [];
    for (let i = 0; i < RUNS; i++) runs.push(await runFleetScenario(scenario, network));
    const o = runs[0]!;
    const ratios = runs.map((r) => r.elapsedMs / r.floorMs).sort((a, b) => a - b);
    rows.push(
      `| ${scenario} | ${o.rttMs ? `${o.rttMs} ± ${o.jitterMs} ms` : '0'} | ${runs.map((r) => r.calls).join(', ')} | ${runs.reduce((n, r) => n + r.throttled, 0)} | ${Math.max(...runs.map((r) => r.maxPerSecond))} / ${o.qps} | ${ratios[Math.floor(RUNS / 2)]!.toFixed(3)}× (${ratios[0]!.toFixed(2)}–${ratios.at(-1)!.toFixed(2)}) | ${runs.map((r) => `${r.finished}`).join(', ')} of ${o.processes} | ${runs.reduce((n, r) => n + r.fallbacks, 0)} | ${runs.reduce((n, r) => n + r.staleSlots, 0)} |`,
    );
    console.error(rows.at(-1));
  }
}
const report = [
  '# A fleet through faults',
  '',
  `Written by \`bench/fleet-faults.ts\` (${new Date().toISOString().slice(0, 10)}, Node ${process.versions.node}). Four processes, each a Volcengine status job of 25,000 ids (125 calls) through presence-core and @rollcall/limiter-redis, one 100-QPS account, against the vendor server counting arrivals over any second. Each fault is set off a third into the job (the late joiner starts a quarter into the others' work). Elapsed: from the first job's start to the last one's end (a killed process's left out); the floor is the fleet's calls at the QPS (÷ (1 + J) at a distance) plus an RTT.`,
  '',
  '## Scenarios',
  '',
  `Each row is ${RUNS} runs: calls per run, throttled in all, the most arrivals in any second of any run, the median elapsed ÷ floor (and the range), jobs finished per run, moves to the fallback in all, slots given up in all (a timer that reached its slot too late).`,
  '',
  '| scenario | RTT | calls | throttled | max arrivals in 1 s | elapsed ÷ floor | jobs finished | moves to the fallback | slots given up |',
  '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ...rows,
  '',
].join('\n');
await writeFile(here('./results/fleet-faults.md'), report);
console.error('wrote bench/results/fleet-faults.md');
