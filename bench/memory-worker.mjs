// One memory run, on the built packages and plain Node (what an app runs): status of N ids against
// the vendor server, kept (status) or streamed out (statusStream); prints the peak RSS.
//   node bench/memory-worker.mjs <vendor url> <status|stream> <N> <{"credentials", "imAppId", "qps"} as JSON>
import { createPresence, LimiterRegistry } from '@rollcall/presence-core';
import { volcengine } from '@rollcall/presence-core/volcengine';

const [url, form, count, accountJson] = process.argv.slice(2);
const n = Number(count);
const account = JSON.parse(accountJson);
const presence = createPresence(volcengine({ credentials: account.credentials, endpoint: url, imAppId: account.imAppId }), {
  limiters: new LimiterRegistry(),
  qps: account.qps,
});
function* ids() {
  for (let i = 1; i <= n; i++) yield String(i);
}
const started = performance.now();
let answered = 0;
if (form === 'status') {
  // The ids as an app would hold them. (Spreading a generator instead, `[...ids()]`, leaves the
  // input's own garbage in the heap — an iterator result per id — and the peak then varies with
  // where V8's collections fall: 312–497 MB against 324–336 MB this way.)
  const result = await presence.status(
    '1',
    Array.from({ length: n }, (_, i) => String(i + 1)),
  );
  answered = result.length;
} else {
  for await (const entry of presence.statusStream('1', ids())) if (entry.userId) answered++;
}
console.log(JSON.stringify({ peakRssMb: process.resourceUsage().maxRSS / 1024, elapsedMs: performance.now() - started, answered }));
