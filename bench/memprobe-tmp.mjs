import { createPresence, LimiterRegistry } from '@rollcall/presence-core';
import { volcengine } from '@rollcall/presence-core/volcengine';
const [url, n] = [process.argv[2], Number(process.argv[3])];
const presence = createPresence(
  volcengine({ credentials: { accessKeyId: 'AKLTemulator', secretAccessKey: 'emulator-volcengine-secret' }, endpoint: url, imAppId: 10001 }),
  { limiters: new LimiterRegistry(), qps: { QueryLiveParticipantStatus: 1000 } },
);
const ids = Array.from({ length: n }, (_, i) => String(i + 1));
gc();
const base = process.memoryUsage().heapUsed;
const result = await presence.status('1', ids);
gc();
const after = process.memoryUsage();
console.log(
  JSON.stringify({
    liveMbPerEntryBytes: (after.heapUsed - base) / n,
    liveMb: after.heapUsed / 1048576,
    baseMb: base / 1048576,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    sample: result[5],
  }),
);
