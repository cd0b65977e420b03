// The processes the benchmark (and the fleet tests) run beside the code measured: the vendor server
// in its own process, and CPU hogs that keep every core busy.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { availableParallelism, constants, setPriority } from 'node:os';
import { fileURLToPath } from 'node:url';

export const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

export interface VendorProcess {
  url: string;
  stats(operationId: string): Promise<{ served: number; throttled: number; maxPerSecond: number }>;
  reset(): Promise<unknown>;
  stop(): Promise<void>;
}

/** The emulator behind a simulated network (bench/vendor-server.ts), in a process of its own. */
export async function startVendor(rttMs: number, jitterMs: number, qps?: Record<string, number>): Promise<VendorProcess> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', here('./vendor-server.ts'), String(rttMs), String(jitterMs), ...(qps ? [JSON.stringify(qps)] : [])],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  // A vendor's servers are not on our machine: the CPU hogs and fleets of a scenario must not make
  // the stand-in late to receive (and so count) what the clients sent on time. Above the others
  // where the system allows it (root, as in CI); as is elsewhere.
  try {
    setPriority(child.pid!, constants.priority.PRIORITY_HIGH);
  } catch {}
  const [line] = (await once(child.stdout!, 'data')) as [Buffer];
  const url = line.toString().trim();
  return {
    url,
    async stats(operationId) {
      const state = (await (await fetch(`${url}/__admin/state`)).json()) as {
        stats: Record<string, { served: number; throttled: number; maxPerSecond: number }>;
      };
      return state.stats[operationId] ?? { served: 0, throttled: 0, maxPerSecond: 0 };
    },
    reset: () => fetch(`${url}/__admin/reset-stats`, { method: 'POST' }),
    async stop() {
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

/** Processes that keep every core busy (two per core), as other work on a loaded machine would. */
export function cpuHog(): { stop(): Promise<void> } {
  const hogs: ChildProcess[] = Array.from({ length: 2 * availableParallelism() }, () => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
  return {
    async stop() {
      for (const hog of hogs) hog.kill('SIGKILL');
      await Promise.all(hogs.map((hog) => once(hog, 'exit')));
    },
  };
}
