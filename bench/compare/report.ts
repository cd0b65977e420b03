// `pnpm bench`, second part: each rollcall client beside the vendor's official SDK, same call, same
// loopback server. Prints a markdown table and writes bench/results/latest.md.
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { budget, bundleSize, CLIENT_ENTRIES, SIZE_RESULTS } from '../size/measure.js';
import { startCannedServer } from './canned.js';
import { coldStart } from './cold-start.js';
import { compare } from './run.js';
import { measureWorkerd } from './workerd.js';

const rows = await compare();

// The official packages are Node-only: their Node built-ins stay outside the count.
const NODE_BUILTINS = [
  'node:*',
  'crypto',
  'zlib',
  'http',
  'https',
  'url',
  'stream',
  'os',
  'fs',
  'path',
  'util',
  'events',
  'net',
  'tls',
  'querystring',
  'buffer',
  'assert',
  'http2',
  'child_process',
  'process',
  'tty',
  'dns',
  'string_decoder',
  'constants',
  'vm',
  'worker_threads',
  'perf_hooks',
  'timers',
];
// Ours as measured on the packed tarballs (npm run size), the officials' bundled here the same way.
const measured = await readFile(SIZE_RESULTS, 'utf8');
const oursGzip = (pkg: string) => {
  const cells = measured
    .split('\n')
    .find((l) => l.startsWith(`| ${pkg} |`))
    ?.split('|')
    .map((c) => c.trim());
  if (!cells) throw new Error(`bench/results/size.md has no row for ${pkg}: run npm run size`);
  return { gzip: Number.parseFloat(cells[2]!) * 1000, min: Number.parseFloat(cells[3]!) * 1000 };
};
const sizes: string[] = [];
for (const [vendor, official] of [
  ['volcengine', '@volcengine/openapi'],
  ['aliyun', '@alicloud/openapi-client'],
  ['tencent', 'fetch + tls-sig-api-v2'],
] as const) {
  const ours = oursGzip(CLIENT_ENTRIES[vendor]);
  const theirs = await bundleSize(fileURLToPath(new URL(`../size/${vendor}-official.mjs`, import.meta.url)), NODE_BUILTINS);
  const kb = (n: number) => `${(n / 1000).toFixed(1)} kB`;
  sizes.push(
    `| ${vendor} | ${kb(ours.gzip)} (${kb(ours.min)} min) | ${official}: ${kb(theirs.gzip)} (${kb(theirs.min)} min) | ${(ours.gzip / theirs.gzip).toFixed(2)} |`,
  );
}

const server = await startCannedServer();
const cold = await coldStart(server.url);
const workerd = await measureWorkerd(server.url);
await server.stop();
const f = (n: number, digits = 0) => n.toFixed(digits);
/** The official SDK's CPU per call for a workerd row's call: the median of its rows in this run. */
const officialCpu = (name: string) => {
  // The rows of the same call (on node:http and over fetch); a bare-fetch Worker has no official side.
  const cpus = rows.filter((r) => r.name.startsWith(name)).map((r) => r.official.cpu);
  if (cpus.length === 0) return undefined;
  const sorted = cpus.sort((a, b) => a - b);
  return sorted.length % 2 ? sorted[sorted.length >> 1]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
};
const table = [
  '| call | ours: req/s | official: req/s | req/s ratio | ours: CPU µs/call | official: CPU µs/call | CPU ratio (ours ÷ official) | CPU ratio, each run |',
  '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ...rows.map(
    (r) =>
      `| ${r.name} vs ${r.officialName} | ${f(r.ours.rps)} | ${f(r.official.rps)} | ${f(r.rpsRatio, 2)} | ${f(r.ours.cpu)} | ${f(r.official.cpu)} | ${f(r.cpuRatio, 2)} | ${r.cpuRatioRange ? `${f(r.cpuRatioRange[0], 2)}–${f(r.cpuRatioRange[1], 2)}` : '–'} |`,
  ),
].join('\n');
const report = [
  '# rollcall clients beside the official SDKs',
  '',
  `Node ${process.version}, ${new Date().toISOString().slice(0, 10)}; sequential calls to a canned loopback server in another process,`,
  `each side of a row in ${process.env.BENCH_PROCESSES ?? 5} fresh processes of its own (a side's garbage is collected on its own time), warmed by ${process.env.BENCH_WARMUP ?? 5000} calls to the steady state of a long-running process, then ${process.env.BENCH_ROUNDS ?? 9} rounds of ${process.env.BENCH_CALLS ?? 400} calls each, the two sides' processes taking turns a round at a time; medians; each ratio is of two rounds side by side in time, the median one's (and the range of the runs' medians).`,
  'Both sides load their packages as npm installs them (ours: the built `dist`, not the workspace sources).',
  'rollcall uses node:http on Node by default; the rows "over global fetch" show the same clients given `fetch` (what other runtimes use).',
  'The rows "bare global fetch" are the floor of any client over Node\'s fetch (undici): the same answer fetched, read and parsed, nothing signed or checked.',
  'Targets: CPU per call ≤ 0.7× @volcengine/openapi and ≤ 1.0× @alicloud/openapi-client.',
  '',
  table,
  '',
  '## Bundle size for one call (esbuild, minified, browser/edge target, gzip -9)',
  '',
  `rollcall from the packed tarballs (\`npm run size\`, [size.md](size.md); budget ${(budget.gzipBytes / 1000).toFixed(1)} kB, checked by \`npm test\`).`,
  '',
  '| client | rollcall | official | ratio |',
  '| --- | --- | --- | --- |',
  ...sizes,
  '',
  '## Cold start: a fresh `node` importing the client and making one call (median of interleaved runs)',
  '',
  '| client | wall time |',
  '| --- | --- |',
  ...cold.map(([name, ms]) => `| ${name} | ${ms.toFixed(0)} ms |`),
  '',
  '## Inside workerd (Cloudflare Workers, through miniflare): the default build, fetch and WebCrypto',
  '',
  `CPU per call: the workerd process's own CPU time (/proc) over ${process.env.BENCH_WORKERD_CALLS ?? 3000} calls made inside one request (the median of ${process.env.BENCH_WORKERD_RUNS ?? 5} fresh runtimes), against the same canned server; the bare fetch rows are the platform's floor (fetch, text, JSON.parse of the same answer); the two rows of Alibaba's signed request stand between that floor and the Alibaba client: its request as the transport sends it (the signed headers, a deadline timer, an abort signal), signed once, then signed on every call with WebCrypto by the package's own functions. Beside it, the official SDK's CPU per call on Node (its node:http, the median of its rows above): the official SDKs do not run in workerd. Cold start: a fresh runtime's first answer after loading the Worker (median), beside an empty Worker's ${workerd.emptyColdStartMs.toFixed(1)} ms.`,
  '',
  '| Worker | CPU µs/call | official on Node, CPU µs/call | ratio | bundle (minified) | cold start |',
  '| --- | --- | --- | --- | --- | --- |',
  ...workerd.rows.map((r) => {
    const official = officialCpu(r.name);
    return `| ${r.name} | ${r.cpuUsPerCall.toFixed(0)} | ${official === undefined ? '–' : official.toFixed(0)} | ${official === undefined ? '–' : (r.cpuUsPerCall / official).toFixed(2)} | ${(r.bundleBytes / 1000).toFixed(1)} kB | ${r.coldStartMs.toFixed(1)} ms |`;
  }),
  '',
  'Presence-core figures: [presence.md](presence.md).',
  '',
].join('\n');
console.log(report);
await writeFile(new URL('../results/latest.md', import.meta.url), report);
