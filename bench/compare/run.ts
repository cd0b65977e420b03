// Per-call comparison: rollcall clients beside the official SDKs, interleaved over rounds.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { startCannedServer } from './canned.js';
import { pairs, type Call } from './clients.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);
/** Fresh processes per pair: a process's JIT and heap set its figures by a few per cent either way. */
const PROCESSES = Number(process.env.BENCH_PROCESSES ?? 5);
const CALLS = Number(process.env.BENCH_CALLS ?? 400);
/**
 * Calls before the first round: the steady state a long-running process reaches. After 200 calls
 * both sides still cost about twice their settled CPU (the Alibaba pair: ours 352 and official
 * 533 µs a call; after 3,000: 173 and 289; after 10,000: 163 and 286), and the ratio moved with it.
 */
const WARMUP = Number(process.env.BENCH_WARMUP ?? 5000);
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
  /** The lowest and highest of the runs' CPU ratios (each the median of its paired rounds). */
  cpuRatioRange?: readonly [number, number];
}

/**
 * Every pair, each side in its own processes (each with its own canned server), PROCESSES of each.
 * Apart, because in one process one side's garbage is collected on the other's time — the official
 * Alibaba client leaves several times our old-space garbage, and its concurrent marking was charged
 * to our rounds — and one pair's calls shaped the JIT for the next (the official Volcengine call,
 * the same in the fetch and node:http pairs, came to the second warm and monomorphic). A user's
 * process runs one of them, not both.
 *
 * Paired in time: the two processes of a run live side by side and take turns, a round each (the
 * first alternating), and each round's ratio is to the other side's round just before or after it.
 * On this kind of machine (2 shared cores) one process's CPU per call moves by 2–3× from one round
 * to a round seconds later, for both sides alike: sides measured one after the other were compared
 * across different machine weather, and the ratio moved by a fifth from run to run.
 */
export async function compare(): Promise<ComparisonRow[]> {
  const count = pairs('http://127.0.0.1:1').length;
  const wanted = process.env.BENCH_ONLY?.split(',').map(Number) ?? Array.from({ length: count }, (_, i) => i);
  const rows: ComparisonRow[] = [];
  for (const index of wanted) {
    const ours: Sample[] = [];
    const official: Sample[] = [];
    const runRatios: number[] = [];
    let names: { name: string; officialName: string } | undefined;
    for (let run = 0; run < PROCESSES; run++) {
      const sides = { ours: await startSide(index, 'ours'), official: await startSide(index, 'official') };
      try {
        names ??= await sides.ours.ask('names');
        for (const side of Object.values(sides)) await side.ask('warm');
        const ratios: number[] = [];
        for (let round = 0; round < ROUNDS; round++) {
          const order = (run + round) % 2 === 0 ? (['ours', 'official'] as const) : (['official', 'ours'] as const);
          const taken = {} as Record<'ours' | 'official', Sample>;
          for (const side of order) taken[side] = await sides[side].ask('round');
          ours.push(taken.ours);
          official.push(taken.official);
          ratios.push(taken.ours.cpuUsPerCall / taken.official.cpuUsPerCall);
        }
        runRatios.push(median(ratios));
      } finally {
        await Promise.all(Object.values(sides).map((side) => side.stop()));
      }
    }
    rows.push({
      ...names!,
      ours: { cpu: median(ours.map((s) => s.cpuUsPerCall)), rps: median(ours.map((s) => s.requestsPerSecond)) },
      official: { cpu: median(official.map((s) => s.cpuUsPerCall)), rps: median(official.map((s) => s.requestsPerSecond)) },
      cpuRatio: median(ours.map((o, i) => o.cpuUsPerCall / official[i]!.cpuUsPerCall)),
      rpsRatio: median(ours.map((o, i) => o.requestsPerSecond / official[i]!.requestsPerSecond)),
      cpuRatioRange: [Math.min(...runRatios), Math.max(...runRatios)],
    });
  }
  return rows;
}

/** One side of a pair in a process of its own, answering one line per request: see serveSide. */
async function startSide(index: number, side: 'ours' | 'official') {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url)], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, TSX_TSCONFIG_PATH: INSTALLED_TSCONFIG, BENCH_PAIR: String(index), BENCH_SIDE: side },
  });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const exited = once(child, 'exit');
  return {
    async ask<T>(request: 'names' | 'warm' | 'round'): Promise<T> {
      child.stdin!.write(`${request}\n`);
      const line = await lines.next();
      if (line.done) throw new Error(`the comparison of pair ${index} (${side}) ended: ${(await exited)[0]}`);
      return JSON.parse(line.value) as T;
    },
    async stop() {
      child.stdin!.end();
      const [code] = (await exited) as [number | null];
      if (code !== 0) throw new Error(`the comparison of pair ${index} (${side}) exited with ${code}`);
    },
  };
}

/** One side (BENCH_SIDE) of one pair (BENCH_PAIR), in this process: its names, a warm-up, or a round, as asked on stdin. */
async function serveSide(index: number, side: 'ours' | 'official'): Promise<void> {
  const server = await startCannedServer();
  try {
    const pair = pairs(server.url)[index]!;
    const call = side === 'ours' ? pair.ours : pair.official;
    for await (const request of createInterface({ input: process.stdin })) {
      if (request === 'names') console.log(JSON.stringify({ name: pair.name, officialName: pair.officialName }));
      else if (request === 'warm') {
        for (let i = 0; i < WARMUP; i++) await call();
        console.log('{}');
      } else console.log(JSON.stringify(await measure(call)));
    }
  } finally {
    await server.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (process.env.BENCH_PAIR !== undefined) await serveSide(Number(process.env.BENCH_PAIR), process.env.BENCH_SIDE === 'official' ? 'official' : 'ours');
  else for (const row of await compare()) console.log(JSON.stringify(row));
}
