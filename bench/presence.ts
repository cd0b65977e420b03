// `pnpm bench`: presence-core against a loopback server that enforces the vendors' QPS.
// Prints a table and writes bench/results/presence.md. Figures, not assertions.
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { createPresence, LimiterRegistry, type StatusMethods } from '@rollcall/presence-core';
import { aliyun } from '@rollcall/presence-core/aliyun';
import { volcengine } from '@rollcall/presence-core/volcengine';

// The vendor stand-in runs in its own process, as a vendor would.
const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./qps-server.ts', import.meta.url))], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const [firstLine] = (await once(child.stdout!, 'data')) as [Buffer];
const server = {
  url: firstLine.toString().trim(),
  async stats(): Promise<Record<'volcengine' | 'aliyun', Counter>> {
    return (await fetch(`${this.url}/__stats`)).json();
  },
  async reset() {
    await fetch(`${this.url}/__reset`, { method: 'POST' });
  },
};
interface Counter {
  qps: number;
  served: number;
  throttled: number;
}
const rows: string[][] = [];

/** The quota's theoretical minimum for N calls: N ÷ QPS seconds. */
const quotaMinimumMs = (calls: number, qps: number) => (calls / qps) * 1000;
/** The absolute floor when bursting QPS calls at the top of each second: (⌈N / QPS⌉ − 1) s. */
const burstFloorMs = (calls: number, qps: number) => (Math.ceil(calls / qps) - 1) * 1000;

function volcPresence() {
  return createPresence(volcengine({ credentials: { accessKeyId: 'AK-bench', secretAccessKey: 'SK' }, endpoint: server.url, imAppId: 1 }), {
    limiters: new LimiterRegistry(),
  });
}
function aliyunPresence() {
  return createPresence(aliyun({ credentials: { accessKeyId: 'LTAI-bench', accessKeySecret: 'SK' }, endpoint: server.url, appId: 'app' }), {
    limiters: new LimiterRegistry(),
  });
}

async function statusRun(name: string, presence: StatusMethods, ids: string[], vendor: 'volcengine' | 'aliyun') {
  await server.reset();
  const started = performance.now();
  const result = await presence.status('7', ids);
  const elapsed = performance.now() - started;
  const counter = (await server.stats())[vendor];
  const online = result.filter((e) => e.ok && e.online).length;
  const minimum = quotaMinimumMs(counter.served, counter.qps);
  rows.push([
    name,
    ids.length.toLocaleString('en'),
    String(counter.served),
    `${counter.qps}`,
    `${(elapsed / 1000).toFixed(3)} s`,
    `${(minimum / 1000).toFixed(3)} s`,
    (elapsed / minimum).toFixed(3),
    `${(burstFloorMs(counter.served, counter.qps) / 1000).toFixed(3)} s`,
    String(counter.throttled),
    `${online.toLocaleString('en')} online`,
  ]);
}

await statusRun(
  'Volcengine status',
  volcPresence(),
  Array.from({ length: 100_000 }, (_, i) => String(i + 1)),
  'volcengine',
);
await statusRun(
  'Alibaba status',
  aliyunPresence(),
  Array.from({ length: 10_000 }, (_, i) => `user${i}`),
  'aliyun',
);

const coalesced: string[][] = [];
for (const [name, make, vendor, id] of [
  ['Volcengine', volcPresence, 'volcengine', (i: number) => String(i + 1)],
  ['Alibaba', aliyunPresence, 'aliyun', (i: number) => `user${i}`],
] as const) {
  await server.reset();
  const presence = make();
  const started = performance.now();
  await Promise.all(Array.from({ length: 10_000 }, (_, i) => presence.isOnline('7', id(i))));
  const elapsed = performance.now() - started;
  const counter = (await server.stats())[vendor];
  coalesced.push([name, '10,000', String(counter.served), String(counter.throttled), `${(elapsed / 1000).toFixed(3)} s`]);
}
child.kill('SIGTERM');
await once(child, 'exit');

const table = (head: string[], body: string[][]) =>
  [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...body.map((r) => `| ${r.join(' | ')} |`)].join('\n');
const report = [
  `# presence-core benchmark`,
  '',
  `Node ${process.version}, ${new Date().toISOString().slice(0, 10)}, loopback server enforcing each operation's QPS over any one-second window.`,
  '',
  '## status() of many ids',
  '',
  table(['run', 'ids', 'upstream calls', 'QPS', 'elapsed', 'quota minimum (N ÷ QPS)', 'elapsed ÷ minimum', 'burst floor', 'throttled', 'answers'], rows),
  '',
  'Quota minimum: N calls at QPS need N ÷ QPS seconds of quota. Burst floor: sending QPS calls at the top of each second could start the last one after (⌈N / QPS⌉ − 1) s, but a burst reaches the vendor compressed by jitter and gets throttled; presence-core paces calls evenly instead (one every (1 s + 5 ms) ÷ QPS) and counts each call in the window by when its answer came back.',
  '',
  '## 10,000 concurrent isOnline() calls',
  '',
  table(['vendor', 'calls', 'upstream calls', 'throttled', 'elapsed'], coalesced),
  '',
].join('\n');
console.log(report);
await writeFile(new URL('./results/presence.md', import.meta.url), report);
