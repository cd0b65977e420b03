// CPU profile of one client's calls against the canned server: `node --import tsx compare/profile.ts <pair index> <ours|official>`.
import { Session } from 'node:inspector/promises';
import { writeFile } from 'node:fs/promises';
import { startCannedServer } from './canned.js';
import { pairs } from './clients.js';

const [index = '0', side = 'ours'] = process.argv.slice(2);
const server = await startCannedServer();
const pair = pairs(server.url)[Number(index)]!;
const call = side === 'ours' ? pair.ours : pair.official;
// The steady state, as the comparison measures it (run.ts, WARMUP).
for (let i = 0; i < 5000; i++) await call();
const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.start');
for (let i = 0; i < 2000; i++) await call();
const { profile } = await session.post('Profiler.stop');
await server.stop();
// Self time by function, and by package.
const self = new Map<string, number>();
const byPackage = new Map<string, number>();
const dt = new Map<number, number>();
profile.samples!.forEach((id, i) => dt.set(id, (dt.get(id) ?? 0) + (profile.timeDeltas![i] ?? 0)));
let total = 0;
for (const node of profile.nodes) {
  const t = dt.get(node.id) ?? 0;
  if (node.callFrame.functionName === '(idle)' || node.callFrame.functionName === '(program)') continue;
  total += t;
  const url = node.callFrame.url;
  const pkg = url.includes('node_modules')
    ? url
        .replace(/.*node_modules\/(\.pnpm\/[^/]+\/node_modules\/)?/, '')
        .split('/')
        .slice(0, url.includes('@') ? 2 : 1)
        .join('/')
    : url.startsWith('node:') || url === ''
      ? 'node internals'
      : url
          .replace(/.*\/work\/main\//, '')
          .split('/')
          .slice(0, 3)
          .join('/');
  byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + t);
  const key = `${node.callFrame.functionName || '(anon)'} ${url.replace(/.*node_modules\//, '').replace(/.*\/work\/main\//, '')}:${node.callFrame.lineNumber}`;
  self.set(key, (self.get(key) ?? 0) + t);
}
const top = (m: Map<string, number>, n: number) =>
  [...m]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, v]) => `${((v / total) * 100).toFixed(1).padStart(5)}%  ${k}`);
console.log(`${pair.name} — ${side}: ${(total / 2000).toFixed(0)} µs sampled per call`);
console.log(top(byPackage, 10).join('\n'));
console.log('---');
console.log(top(self, 15).join('\n'));
await writeFile(`/tmp/profile-${index}-${side}.cpuprofile`, JSON.stringify(profile));
process.exit(0);
