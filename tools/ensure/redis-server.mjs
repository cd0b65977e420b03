#!/usr/bin/env node
// The Redis limiter's tests run a real redis-server (they start and stop it themselves, on a free
// port). On a Debian machine without one, install Debian's package; elsewhere, say how.
import { spawnSync } from 'node:child_process';

const present = () => !spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).error;
if (!present()) {
  const root = process.getuid?.() === 0;
  const apt = !spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).error;
  if (root && apt) {
    console.error("redis-server is missing: installing Debian's redis-server package (apt-get update; apt-get install redis-server)");
    for (const args of [
      ['update', '-qq'],
      ['install', '-y', '-qq', 'redis-server'],
    ]) {
      const run = spawnSync('apt-get', args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
      if (run.status !== 0) process.exit(run.status ?? 1);
    }
  }
  if (!present()) {
    console.error('redis-server is needed by the tests: install it (Debian: apt-get install redis-server; macOS: brew install redis) and run again.');
    process.exit(1);
  }
}
