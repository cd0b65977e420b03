// Per-call comparison: rollcall clients beside the official SDKs, interleaved over rounds.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { pairs, type Call } from './clients.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const CALLS = Number(process.env.BENCH_CALLS ?? 400);
const WARMUP = 100;

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
}

/**
 * Every pair, each in a fresh process (with its own canned server): one pair's calls would
 * otherwise shape the JIT's state for the next — the official Volcengine call, identical in the
 * fetch and node:http pairs, came to the second warm and monomorphic, while the shared runtime
 * had seen both transports (measured: 0.73 in one process against 0.60–0.66 alone).
 */
export async function compare(): Promise<ComparisonRow[]> {
  const count = pairs('http://127.0.0.1:1').length;
  const wanted = process.env.BENCH_ONLY?.split(',').map(Number) ?? Array.from({ length: count }, (_, i) => i);
  const rows: ComparisonRow[] = [];
  for (const index of wanted) {
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url)], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, BENCH_PAIR: String(index) },
    });
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => (out += chunk));
    const [code] = (await once(child, 'exit')) as [number | null];
    if (code !== 0) throw new Error(`the comparison of pair ${index} exited with ${code}`);
    rows.push(JSON.parse(out.trim()) as ComparisonRow);
  }
  return rows;
}

/** One pair (BENCH_PAIR), in this process. */
async function comparePair(index: number): Promise<ComparisonRow> {
  const server = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./canned-server.ts', import.meta.url))], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [line] = (await once(server.stdout!, 'data')) as [Buffer];
  const url = line.toString().trim();
  try {
    const pair = pairs(url)[index]!;
    {
      for (let i = 0; i < WARMUP; i++) {
        await pair.ours();
        await pair.official();
      }
      const ours: Sample[] = [];
      const official: Sample[] = [];
      // Interleaved, alternating who goes first, so drift and GC hit both alike.
      for (let round = 0; round < ROUNDS; round++) {
        if (round % 2 === 0) {
          ours.push(await measure(pair.ours));
          official.push(await measure(pair.official));
        } else {
          official.push(await measure(pair.official));
          ours.push(await measure(pair.ours));
        }
      }
      return {
        name: pair.name,
        officialName: pair.officialName,
        ours: { cpu: median(ours.map((s) => s.cpuUsPerCall)), rps: median(ours.map((s) => s.requestsPerSecond)) },
        official: { cpu: median(official.map((s) => s.cpuUsPerCall)), rps: median(official.map((s) => s.requestsPerSecond)) },
        // Paired per round, then the median of the ratios.
        cpuRatio: median(ours.map((s, i) => s.cpuUsPerCall / official[i]!.cpuUsPerCall)),
        rpsRatio: median(ours.map((s, i) => s.requestsPerSecond / official[i]!.requestsPerSecond)),
      };
    }
  } finally {
    server.kill('SIGTERM');
    await once(server, 'exit');
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (process.env.BENCH_PAIR !== undefined) console.log(JSON.stringify(await comparePair(Number(process.env.BENCH_PAIR))));
  else for (const row of await compare()) console.log(JSON.stringify(row));
}
