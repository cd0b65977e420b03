// Temporary: our code's own CPU on the default (edge) build, over a stub fetch answering at once.
import { build } from 'esbuild';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
const which = process.argv[2] ?? 'aliyun';
const src = {
  aliyun: `import { createAliyunLiveClient } from '@rollcall/aliyun-live';
    const UserIds = Array.from({ length: 20 }, (_, i) => 'u' + i);
    export const make = (endpoint, fetch) => { const client = createAliyunLiveClient({ credentials: { accessKeyId: 'AK', accessKeySecret: 'SK' }, endpoint, fetch });
      return () => client.batchGetOnlineUsers({ AppId: 'app', GroupId: 'g', UserIds }); };`,
}[which];
const r = await build({ stdin: { contents: src, resolveDir: process.cwd(), loader: 'js' }, bundle: true, format: 'esm', platform: 'browser', write: false, minify: false });
writeFileSync('/tmp/prof/bundle.mjs', r.outputFiles[0].text);
const { make } = await import('/tmp/prof/bundle.mjs');
const answer = JSON.stringify({ RequestId: 'A1B2C3', Result: { OnlineUsers: Array.from({ length: 20 }, (_, i) => ({ UserId: 'u' + i, Online: i % 2 === 0, JoinTime: String(i % 2 === 0 ? 1700000000000 : 0) })) } });
const fetchStub = async () => new Response(answer, { status: 200, headers: { 'content-type': 'application/json;charset=utf-8', 'x-acs-request-id': 'A1B2C3' } });
const call = make('https://live.aliyuncs.com', fetchStub);
console.log(JSON.stringify(await call()).slice(0, 200));
for (let i = 0; i < 3000; i++) await call();
const N = 20000;
const session = new Session(); session.connect();
const prof = process.argv[3] === 'prof';
if (prof) { await session.post('Profiler.enable'); await session.post('Profiler.start'); }
const c0 = process.cpuUsage();
for (let i = 0; i < N; i++) await call();
const c = process.cpuUsage(c0);
console.log(which, ((c.user + c.system) / N).toFixed(1), 'µs CPU per call (stub fetch)');
if (prof) {
  const { profile } = await session.post('Profiler.stop');
  const dt = new Map(); profile.samples.forEach((id, i) => dt.set(id, (dt.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const self = new Map(); let total = 0;
  for (const n of profile.nodes) { const t = dt.get(n.id) ?? 0; if (['(idle)','(program)'].includes(n.callFrame.functionName)) continue; total += t;
    const k = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.replace(/.*\//, '')}:${n.callFrame.lineNumber}`; self.set(k, (self.get(k) ?? 0) + t); }
  console.log([...self].sort((a, b) => b[1] - a[1]).slice(0, 30).map(([k, v]) => `${((v / total) * 100).toFixed(1).padStart(5)}% ${k}`).join('\n'));
}
