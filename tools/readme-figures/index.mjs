// README figures from the bench's own results: each figure a README quotes sits between
// `<!-- figures:NAME -->` and `<!-- /figures:NAME -->`, and is written here from the results file
// `pnpm bench` wrote, never by hand. `--check` fails when a README differs from its results.
//   node tools/readme-figures/index.mjs [--check]
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The cells of the markdown table row whose first cell starts with `first`. */
function row(markdown, first, where) {
  const line = markdown.split('\n').find((l) => l.startsWith(`| ${first}`));
  if (!line) throw new Error(`${where}: no row starting with ${first}`);
  return line
    .split('|')
    .slice(1, -1)
    .map((cell) => cell.trim());
}

/** Every markdown table row (as cells) of the section whose heading starts with `heading`. */
function sectionRows(markdown, heading, where) {
  const start = markdown.indexOf(`\n## ${heading}`);
  if (start < 0) throw new Error(`${where}: no section ${heading}`);
  const end = markdown.indexOf('\n## ', start + 1);
  return markdown
    .slice(start, end < 0 ? undefined : end)
    .split('\n')
    .filter((l) => l.startsWith('| ') && !l.startsWith('| ---'))
    .slice(1)
    .map((l) =>
      l
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim().replace(/\*\*/g, '')),
    );
}

/** The quota-bound jobs: elapsed ÷ floor by distance, idle / loaded, one row a job. */
function quotaTable(presence, where) {
  const rows = sectionRows(presence, '1. Quota-bound jobs', where);
  const jobs = [...new Set(rows.map((r) => r[0]))];
  const distances = [...new Set(rows.map((r) => r[1]))];
  const cell = (job, rtt, machine) => rows.find((r) => r[0] === job && r[1] === rtt && r[2] === machine)?.[6] ?? '–';
  const lines = [
    `| job | ${distances.map((d) => `RTT ${d} idle / loaded`).join(' | ')} | throttled |`,
    `| --- | ${distances.map(() => '---').join(' | ')} | --- |`,
    ...jobs.map((job) => {
      const calls = rows.find((r) => r[0] === job)[3];
      const throttled = rows.filter((r) => r[0] === job).reduce((n, r) => n + Number(r[7].split(' ')[0]), 0);
      return `| ${job} (${calls} calls) | ${distances.map((d) => `${cell(job, d, 'idle')} / ${cell(job, d, 'loaded')}`).join(' | ')} | ${throttled} |`;
    }),
  ];
  return `\n${lines.join('\n')}\n`;
}

/** The fleet: the shared limiter's rows, and what the same processes do without it. */
function fleet(presence, where) {
  const rows = sectionRows(presence, '2. ', where);
  const shared = rows.filter((r) => r[0].startsWith('Redis'));
  const alone = rows.filter((r) => r[0].startsWith('per process'));
  if (!shared.length || !alone.length) throw new Error(`${where}: the fleet section lacks its rows`);
  const table = [
    '| RTT | throttled | max arrivals in 1 s | elapsed ÷ floor | of the quota | Redis round trips per call | reservation latency |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...shared.map(
      (r) => `| ${r[1]} | ${r[5]} | ${r[6].split(' / ')[0]} | ${r[4]} | ${r[7]}${r[8] !== r[7] ? ` (${r[8]} of QPS ÷ (1 + J))` : ''} | ${r[10]} | ${r[11]} |`,
    ),
  ];
  const without = `Without the shared limiter, the same four processes: ${alone.map((r) => `${r[5]} calls throttled at RTT ${r[1]} (up to ${r[6].split(' / ')[0]} arrivals in a second; ${r[9]} jobs done)`).join(', ')}.`;
  return { table: `\n${table.join('\n')}\n`, without };
}

/** The figures, by name, from the results files. */
export async function figures() {
  const presence = await readFile(path.join(root, 'bench/results/presence.md'), 'utf8');
  const where = 'bench/results/presence.md';
  const [, ids, , statusPeak, kept] = row(presence, '`status()`', where);
  const [, , , streamPeak] = row(presence, '`statusStream()`', where);
  const runs = /; (\d+) runs each/.exec(presence)?.[1];
  if (!runs) throw new Error(`${where}: the memory section does not say how many runs`);
  const plain = (cell) => cell.replace(/\*\*/g, '');
  const { table: fleetTable, without } = fleet(presence, where);
  const faults = await readFile(path.join(root, 'bench/results/fleet-faults.md'), 'utf8');
  const faultRows = sectionRows(faults, 'Scenarios', 'bench/results/fleet-faults.md');
  if (faultRows.length === 0) throw new Error('bench/results/fleet-faults.md: no scenario rows');
  const faultTable = [
    '| scenario | RTT | throttled | max arrivals in 1 s | elapsed ÷ floor | jobs finished | slots given up |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...faultRows.map((r) => `| ${r[0]} | ${r[1]} | ${r[3]} | ${r[4]} | ${r[5]} | ${r[6]} | ${r[8] ?? '–'} |`),
  ];
  const wire = await readFile(path.join(root, 'bench/results/wire-bytes.md'), 'utf8');
  const [, plainStatus, gzipStatus, brStatus] = row(wire, 'Volcengine QueryLiveParticipantStatus', 'bench/results/wire-bytes.md');
  const [, plainRoom, gzipRoom, brRoom] = row(wire, 'Volcengine GetRoomOnlineUsers', 'bench/results/wire-bytes.md');
  const pct = (cell) => cell.replace(/^[\d,]+ \(|\)$/g, '');
  const size = await readFile(path.join(root, 'bench/results/size.md'), 'utf8');
  const sizeRows = sectionRows(`\n## sizes\n${size.slice(size.indexOf('\n| client'))}`, 'sizes', 'bench/results/size.md');
  if (sizeRows.length === 0) throw new Error('bench/results/size.md: no client rows');
  const budget = /Budget: ([\d.]+ kB) gzip/.exec(size)?.[1];
  if (!budget) throw new Error('bench/results/size.md: no budget');
  const bySize = [...sizeRows].sort((a, b) => Number.parseFloat(a[1]) - Number.parseFloat(b[1]));
  const latest = await readFile(path.join(root, 'bench/results/latest.md'), 'utf8');
  const cpuOf = (first) => Number(row(latest, first, 'bench/results/latest.md')[4]);
  const floorRatio = (vendor) => Number(row(latest, `bare global fetch of the ${vendor} answer`, 'bench/results/latest.md')[6]).toFixed(1);
  const fetchCost = (call) => (cpuOf(`${call}, rollcall over global fetch`) / cpuOf(`${call} vs`)).toFixed(1);
  const ceiling = sectionRows(presence, '2. ', where).filter((r) => r.length === 3 && /^\d+\.\d %$/.test(r[1]));
  const overAt = (share) =>
    ceiling.find((r) => r[1] === share)?.[2] ??
    (() => {
      throw new Error(`${where}: no jitter-ceiling row at ${share}`);
    })();
  const ceilingRuns = /\(of (\d+)\)/.exec(presence)?.[1];
  return {
    'fetch-cpu': `over global \`fetch\` a call cost ${fetchCost('Volcengine QueryLiveParticipantStatus (200 ids)')}× the CPU (Volcengine) and ${fetchCost('Alibaba BatchGetOnlineUsers (20 ids, V3)')}× (Alibaba); a bare fetch of the same answer, nothing signed or checked, costs ${floorRatio('Volcengine')}× and ${floorRatio('Alibaba')}× the official SDK's whole call, \`bench/results/latest.md\``,
    'jitter-ceiling': `evenly spaced sends at 95 % of the quota put more than the quota's arrivals in some second in ${overAt('95.0 %')} of ${ceilingRuns} runs, at 96 % in ${overAt('96.0 %')}`,
    sizes: `one call bundles to ${bySize.map((r) => `${r[1]} (${r[0].replace('@rollcall/', '')})`).join(', ')} gzip from the packed tarballs, zod left out (budget ${budget}, \`bench/results/size.md\`)`,
    'wire-bytes': `; on the wire, a 200-id Volcengine status answer is ${plainStatus} bytes plain, ${pct(gzipStatus)} of that gzipped and ${pct(brStatus)} with br, a 10,000-member room ${plainRoom} bytes, ${pct(gzipRoom)} and ${pct(brRoom)} (\`bench/results/wire-bytes.md\`)`,
    'fleet-faults': `\n${faultTable.join('\n')}\n`,
    quota: quotaTable(presence, where),
    fleet: fleetTable,
    'fleet-without': without,
    memory: `Measured (\`pnpm bench\`, bench/results/presence.md), ${ids} ids: the results keep ${plain(kept)}, the ids' strings included; peak RSS ${plain(statusPeak)} over ${runs} runs.`,
    stream: `${plain(streamPeak).replace(/ \(median \d+\)/, '')} for a million`,
    'live-rosters': await liveRosterTables(),
  };
}

/** The live rosters' bench tables (bench/results/live-rosters.md), as they are. */
async function liveRosterTables() {
  const where = 'bench/results/live-rosters.md';
  const text = await readFile(path.join(root, where), 'utf8');
  const tables = text
    .split('\n## ')
    .slice(1)
    .map((section) =>
      section
        .split('\n')
        .filter((line) => line.startsWith('|'))
        .join('\n'),
    );
  if (tables.length !== 2 || tables.some((table) => !table)) throw new Error(`${where}: expected two sections with a table each`);
  const intro = /\n\n(An Agora channel[^\n]+)/.exec(text)?.[1];
  if (!intro) throw new Error(`${where}: no scenario line`);
  return `\n${intro}\n\n${tables[0]}\n\n${tables[1]}\n`;
}

/** The READMEs holding figures. */
export const READMES = [
  'README.md',
  'packages/presence-core/README.md',
  'packages/limiter-redis/README.md',
  'packages/runtime/README.md',
  'packages/volcengine-rtc/README.md',
  'packages/aliyun-live/README.md',
  'packages/tencent-live/README.md',
  'packages/agora-rtc/README.md',
];

/** The README with each marked figure replaced; throws when a marker names no known figure. */
export function fill(text, values, where) {
  return text.replace(/<!-- figures:([\w-]+) -->[\s\S]*?<!-- \/figures:\1 -->/g, (_, name) => {
    if (!(name in values)) throw new Error(`${where}: no figure named ${name}`);
    return `<!-- figures:${name} -->${values[name]}<!-- /figures:${name} -->`;
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const check = process.argv.includes('--check');
  const values = await figures();
  let stale = 0;
  for (const file of READMES) {
    const before = await readFile(path.join(root, file), 'utf8');
    const after = fill(before, values, file);
    if (after === before) continue;
    if (check) {
      console.error(`${file}: figures differ from bench/results (run node tools/readme-figures/index.mjs)`);
      stale++;
    } else {
      await writeFile(path.join(root, file), after);
      console.log(`wrote ${file}`);
    }
  }
  process.exit(stale ? 1 : 0);
}
