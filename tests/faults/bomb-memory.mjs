// One call against a decompression bomb (about 1 MB of gzip that inflates to 1 GiB), in a process of
// its own so that its memory is the call's: prints the error's name and how much the peak RSS grew.
//   node --expose-gc tests/faults/bomb-memory.mjs <bomb endpoint> <node:http|fetch> <endpoint answering gzip>
import { createVolcengineRtcClient } from '@rollcall/volcengine-rtc';

const [endpoint, transport, warmEndpoint] = process.argv.slice(2);
const clientFor = (endpoint) =>
  createVolcengineRtcClient({
    credentials: { accessKeyId: 'AKLT-bomb', secretAccessKey: 'bomb-secret' },
    endpoint,
    retry: false,
    timeoutMs: 60_000,
    ...(transport === 'fetch' && { fetch: (request) => globalThis.fetch(request) }),
  });
const client = clientFor(endpoint);
// Everything loaded and warm before the baseline (a compressed answer read whole): the transport's
// own setup is not the bomb's.
for (let i = 0; i < 3; i++) await clientFor(warmEndpoint).getRoomOnlineUsers({ AppId: 'app', RoomId: 'room' });
globalThis.gc?.();
const peakBefore = process.resourceUsage().maxRSS;
const error = await client.getRoomOnlineUsers({ AppId: 'app', RoomId: 'room' }).then(
  () => undefined,
  (e) => e,
);
const growthMb = (process.resourceUsage().maxRSS - peakBefore) / 1024;
console.log(JSON.stringify({ error: error?.name, limitBytes: error?.limitBytes, growthMb }));
