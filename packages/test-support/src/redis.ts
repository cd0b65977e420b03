// A real redis-server for the tests that need one: started on a free loopback port, stopped (or
// killed, or made slow) on demand, and restartable on the same port. Debian's `redis-server`
// package provides the binary (`.ci/run` installs it when missing); nothing here assumes a Redis
// already running.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { connect } from 'node:net';
import { freePort } from './mock-servers.js';

export interface TestRedis {
  url: string;
  port: number;
  /** Stops it gracefully (SHUTDOWN NOSAVE) and waits for the process to end. */
  stop(): Promise<void>;
  /** Kills it at once, as a crash would. */
  kill(): Promise<void>;
  /** Starts it again on the same port (after stop or kill). */
  start(): Promise<void>;
  /** Makes the server unresponsive for `seconds` (DEBUG SLEEP), without closing connections. */
  freeze(seconds: number): Promise<void>;
}

/** One command over a fresh connection, with its raw reply (RESP inline). */
function command(port: number, line: string, timeoutMs = 2000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let reply = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`redis on port ${port} did not answer ${line} within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('connect', () => socket.write(`${line}\r\n`));
    socket.on('data', (d) => {
      reply += d;
      if (reply.includes('\r\n')) {
        clearTimeout(timer);
        socket.end();
        resolve(reply.trim());
      }
    });
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

export async function startRedis(): Promise<TestRedis> {
  if (spawnSync('redis-server', ['--version']).error) {
    throw new Error(
      "redis-server is not installed: install Debian's redis-server package (apt-get update && apt-get install -y redis-server); .ci/run does it when missing",
    );
  }
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--enable-debug-command', 'yes'], {
      stdio: 'ignore',
    });
    for (let attempt = 0; ; attempt++) {
      if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode} on port ${port}`);
      try {
        if ((await command(port, 'PING', 500)) === '+PONG') return;
      } catch {
        // not listening yet
      }
      if (attempt > 200) throw new Error(`redis-server did not answer on port ${port}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  const ended = async (signal?: NodeJS.Signals) => {
    const running = child;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exit = once(running, 'exit');
    if (signal) running.kill(signal);
    else await command(port, 'SHUTDOWN NOSAVE').catch(() => running.kill('SIGTERM'));
    await exit;
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop: () => ended(),
    kill: () => ended('SIGKILL'),
    start,
    freeze: async (seconds) => {
      // DEBUG SLEEP blocks the server; its own reply comes after the sleep.
      void command(port, `DEBUG SLEEP ${seconds}`, seconds * 1000 + 5000).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 50));
    },
  };
}
