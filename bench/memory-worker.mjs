// One memory run, on the built packages and plain Node (what an app runs): status of N ids against
// the vendor server, kept (status) or streamed out (statusStream); prints the peak RSS and the heap
// the results keep.
//   node --expose-gc bench/memory-worker.mjs <vendor url> <status|stream> <N> <{"credentials", "imAppId", "qps"} as JSON>
import { createPresence, LimiterRegistry } from '@rollcall/presence-core';
import { volcengine } from '@rollcall/presence-core/volcengine';

const [url, form, count, accountJson] = process.argv.slice(2);
const n = Number(count);
const account = JSON.parse(accountJson);
const presence = createPresence(volcengine({ credentials: account.credentials, endpoint: url, imAppId: account.imAppId }), {
  limiters: new LimiterRegistry(),
  qps: account.qps,
});
// Real-shaped: a 19-digit live group, user ids on both sides of 2^53 (most of them strangers): the
// emulator's worldIds, written out here because importing the emulator would weigh on the RSS.
const room = String(7_226_277_271_248_584_970n + 1n);
const user = (i) => (i % 2 === 0 ? String(1_847_260_331_508_621_312n + BigInt(i) * 4_194_304n) : String(6_812_345_671 + i));
function* ids() {
  for (let i = 0; i < n; i++) yield user(i);
}
// The heap before the job (no collection forced here: it would move where V8's own fall).
const heapBefore = process.memoryUsage().heapUsed;
const started = performance.now();
let answered = 0;
/** status()'s results, held until what they keep is measured. */
let results;
if (form === 'status') {
  // The ids as an app would hold them. (Spreading a generator instead, `[...ids()]`, leaves the
  // input's own garbage in the heap — an iterator result per id — and the peak then varies with
  // where V8's collections fall: 312–497 MB against 324–336 MB this way.)
  results = await presence.status(
    room,
    Array.from({ length: n }, (_, i) => user(i)),
  );
  answered = results.length;
} else {
  for await (const entry of presence.statusStream(room, ids())) if (entry.userId) answered++;
}
const elapsedMs = performance.now() - started;
const peakRssMb = process.resourceUsage().maxRSS / 1024;
// What the results keep (the ids they hold included), once the job's garbage is collected.
// (Only under --expose-gc: without a collection the figure would count garbage.)
globalThis.gc?.();
const keptHeapMb = results && globalThis.gc ? (process.memoryUsage().heapUsed - heapBefore) / 1e6 : null;
console.log(JSON.stringify({ peakRssMb, elapsedMs, answered, keptHeapMb }));
results = undefined;
