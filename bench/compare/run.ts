// Per-call comparison: rollcall clients beside the official SDKs, interleaved over rounds.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { startCannedServer } from './canned.js';
import { pairs, type Call } from './clients.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);
/** Fresh processes per pair: a process's JIT and heap set its figures by a few per cent either way. */
const PROCESSES = Number(process.env.BENCH_PROCESSES ?? 5);
const CALLS = Number(process.env.BENCH_CALLS ?? 400);
const WARMUP = 200;
/** The packages as installed (dist), not the workspace sources: see tsconfig.installed.json. */
const INSTALLED_TSCONFIG = fileURLToPath(new URL('./tsconfig.installed.json', import.meta.url));

interface Sample {
  cpuUsPerCall: number;
  requestsPerSecond: number;
}

async function measure(call: Call): Promise<Sample> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < CALLS; i++) await call();
  const elapsed = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return { cpuUsPerCall: (used.user + used.system) / CALLS, requestsPerSecond: (CALLS * 1000) / elapsed };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

export interface ComparisonRow {
  name: string;
  officialName: string;
  ours: { cpu: number; rps: number };
  official: { cpu: number; rps: number };
  cpuRatio: number;
  rpsRatio: number;
  /** The lowest and highest of the processes' CPU ratios. */
  cpuRatioRange?: readonly [number, number];
}

/**
 * Every pair, each side in its own fresh processes (each with its own canned server), PROCESSES
 * of each, alternating which side goes first. Apart, because in one process one side's garbage is
 * collected on the other's time — the official Alibaba client leaves several times our old-space
 * garbage, and its concurrent marking was charged to our rounds — and one pair's calls shaped the
 * JIT for the next (the official Volcengine call, the same in the fetch and node:http pairs, came
 * to the second warm and monomorphic). A user's process runs one of them, not both.
 */
export async function compare(): Promise<ComparisonRow[]> {
  const count = pairs('http://127.0.0.1:1').length;
  const wanted = process.env.BENCH_ONLY?.split(',').map(Number) ?? Array.from({ length: count }, (_, i) => i);
  const rows: ComparisonRow[] = [];
  for (const index of wanted) {
    const ours: SideRun[] = [];
    const official: SideRun[] = [];
    for (let run = 0; run < PROCESSES; run++) {
      for (const side of run % 2 === 0 ? (['ours', 'official'] as const) : (['official', 'ours'] as const)) {
        const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url)], {
          stdio: ['ignore', 'pipe', 'inherit'],
          env: { ...process.env, TSX_TSCONFIG_PATH: INSTALLED_TSCONFIG, BENCH_PAIR: String(index), BENCH_SIDE: side },
        });
        let out = '';
        child.stdout!.on('data', (chunk: Buffer) => (out += chunk));
        const [code] = (await once(child, 'exit')) as [number | null];
        if (code !== 0) throw new Error(`the comparison of pair ${index} (${side}) exited with ${code}`);
        (side === 'ours' ? ours : official).push(JSON.parse(out.trim()) as SideRun);
      }
    }
    const cpuRatios = ours.map((o, i) => o.cpu / official[i]!.cpu);
    rows.push({
      name: ours[0]!.name,
      officialName: ours[0]!.officialName,
      ours: { cpu: median(ours.map((r) => r.cpu)), rps: median(ours.map((r) => r.rps)) },
      official: { cpu: median(official.map((r) => r.cpu)), rps: median(official.map((r) => r.rps)) },
      cpuRatio: median(cpuRatios),
      rpsRatio: median(ours.map((o, i) => o.rps / official[i]!.rps)),
      cpuRatioRange: [Math.min(...cpuRatios), Math.max(...cpuRatios)],
    });
  }
  return rows;
}

interface SideRun {
  name: string;
  officialName: string;
  cpu: number;
  rps: number;
}

/** One side (BENCH_SIDE) of one pair (BENCH_PAIR), in this process: the median of its rounds. */
async function measureSide(index: number, side: 'ours' | 'official'): Promise<SideRun> {
  const server = await startCannedServer();
  const url = server.url;
  try {
    const pair = pairs(url)[index]!;
    const call = side === 'ours' ? pair.ours : pair.official;
    for (let i = 0; i < WARMUP; i++) await call();
    const samples: Sample[] = [];
    for (let round = 0; round < ROUNDS; round++) samples.push(await measure(call));
    return {
      name: pair.name,
      officialName: pair.officialName,
      cpu: median(samples.map((s) => s.cpuUsPerCall)),
      rps: median(samples.map((s) => s.requestsPerSecond)),
    };
  } finally {
    await server.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (process.env.BENCH_PAIR !== undefined) {
    console.log(JSON.stringify(await measureSide(Number(process.env.BENCH_PAIR), process.env.BENCH_SIDE === 'official' ? 'official' : 'ours')));
  } else for (const row of await compare()) console.log(JSON.stringify(row));
}
