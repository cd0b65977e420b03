// presence-core against the loopback server that enforces the vendors' QPS (bench/qps-server.ts),
// run in its own process as a vendor would be: every id answered, the quota never exceeded.
// (The timing figures are the benchmark's business: `pnpm bench`.)
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPresence, LimiterRegistry } from '@rollcall/presence-core';
import { aliyun } from '@rollcall/presence-core/aliyun';
import { volcengine } from '@rollcall/presence-core/volcengine';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
let child: ChildProcess;
let url: string;

beforeAll(async () => {
  child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'bench/qps-server.ts')], { stdio: ['ignore', 'pipe', 'inherit'], cwd: root });
  const [line] = (await once(child.stdout!, 'data')) as [Buffer];
  url = line.toString().trim();
});

afterAll(async () => {
  if (child && child.exitCode === null) {
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
});

async function stats(vendor: 'volcengine' | 'aliyun'): Promise<{ served: number; throttled: number; qps: number }> {
  return (await (await fetch(`${url}/__stats`)).json())[vendor];
}

describe('presence-core against a QPS-enforcing server', () => {
  it('Volcengine: 40,000 ids in 200 paced calls, none throttled, every id answered', async () => {
    const presence = createPresence(volcengine({ credentials: { accessKeyId: 'AK-qps', secretAccessKey: 'SK' }, endpoint: url, imAppId: 1 }), {
      limiters: new LimiterRegistry(),
    });
    const ids = Array.from({ length: 40_000 }, (_, i) => String(i + 1));
    const entries = await presence.status('7', ids);
    expect(entries.every((e, i) => e.ok && e.userId === ids[i] && e.online === (i % 2 === 1))).toBe(true);
    expect(await stats('volcengine')).toMatchObject({ served: 200, throttled: 0 });
  });

  it('Alibaba: 4,000 ids in 200 paced calls, none throttled, every id answered', async () => {
    const presence = createPresence(aliyun({ credentials: { accessKeyId: 'LTAI-qps', accessKeySecret: 'SK' }, endpoint: url, appId: 'app' }), {
      limiters: new LimiterRegistry(),
    });
    const ids = Array.from({ length: 4_000 }, (_, i) => `user${i}`);
    const entries = await presence.status('group', ids);
    expect(entries.every((e, i) => e.ok && e.userId === ids[i])).toBe(true);
    expect(await stats('aliyun')).toMatchObject({ served: 200, throttled: 0 });
  });
});
