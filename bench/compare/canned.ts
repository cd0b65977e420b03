// The canned server (canned-server.ts) in a process of its own, so that its CPU is not counted
// against the clients: its URL, and how to stop it.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

export async function startCannedServer(): Promise<{ url: string; stop: () => Promise<void> }> {
  const server = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./canned-server.ts', import.meta.url))], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [line] = (await once(server.stdout!, 'data')) as [Buffer];
  return {
    url: line.toString().trim(),
    async stop() {
      server.kill('SIGTERM');
      await once(server, 'exit');
    },
  };
}
