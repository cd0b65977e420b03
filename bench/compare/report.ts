// `pnpm bench`, second part: each rollcall client beside the vendor's official SDK, same call, same
// loopback server. Prints a markdown table and writes bench/results/latest.md.
import { writeFile } from 'node:fs/promises';
import { compare } from './run.js';

const rows = await compare();
const f = (n: number, digits = 0) => n.toFixed(digits);
const table = [
  '| call | ours: req/s | official: req/s | req/s ratio | ours: CPU µs/call | official: CPU µs/call | CPU ratio (ours ÷ official) |',
  '| --- | --- | --- | --- | --- | --- | --- |',
  ...rows.map(
    (r) =>
      `| ${r.name} vs ${r.officialName} | ${f(r.ours.rps)} | ${f(r.official.rps)} | ${f(r.rpsRatio, 2)} | ${f(r.ours.cpu)} | ${f(r.official.cpu)} | ${f(r.cpuRatio, 2)} |`,
  ),
].join('\n');
const report = [
  '# rollcall clients beside the official SDKs',
  '',
  `Node ${process.version}, ${new Date().toISOString().slice(0, 10)}; sequential calls to a canned loopback server in another process,`,
  `${process.env.BENCH_ROUNDS ?? 7} interleaved rounds of ${process.env.BENCH_CALLS ?? 300} calls; medians, ratios paired per round.`,
  'Targets: CPU per call ≤ 0.7× @volcengine/openapi and ≤ 1.0× @alicloud/openapi-client.',
  '',
  table,
  '',
  'Presence-core figures: [presence.md](presence.md).',
  '',
].join('\n');
console.log(report);
await writeFile(new URL('../results/latest.md', import.meta.url), report);
