// The vendors' stand-in for the benchmark, in its own process as a vendor would be: the emulator
// (signatures checked, QPS counted on arrival over any one second) behind a simulated network.
//   tsx bench/vendor-server.ts <rttMs> <jitterMs> [qps override JSON]
// Prints its URL; stops on SIGTERM.
import { startEmulator, worldIds, type Member, type Seed } from '@rollcall/emulator';
import { BENCH_ROOMS } from './jobs.js';

const [rttMs = 0, jitterMs = 0] = process.argv.slice(2, 4).map(Number);
const qps = process.argv[4] ? (JSON.parse(process.argv[4]) as Record<string, number>) : 'enforce';
const members = (n: number, prefix = ''): Member[] => Array.from({ length: n }, (_, i) => ({ userId: `${prefix}${i + 1}`, joinedAt: 1_700_000_000_000 + i }));
/** Members with real-shaped ids (a 19-digit live group's, on both sides of 2^53; Agora uids above 2^31). */
const realMembers = (ids: string[]): Member[] => ids.map((userId, i) => ({ userId, joinedAt: 1_700_000_000_000 + i }));
const seed: Seed = {
  volcengine: { conversations: { [worldIds.volcengineGroup(1)]: realMembers(worldIds.users(BENCH_ROOMS.volcengineMembers)) } },
  aliyun: { groups: { 'group-1': members(BENCH_ROOMS.aliyunMembers, 'user') } },
  tencent: {
    rooms: Object.fromEntries(Array.from({ length: BENCH_ROOMS.tencentRooms }, (_, r) => [`room-${r + 1}`, members(BENCH_ROOMS.tencentMembers, `m${r}-`)])),
  },
  agora: { channels: { 'channel-1': realMembers(worldIds.agoraUids(BENCH_ROOMS.agoraMembers)) } },
};
const emulator = await startEmulator({ seed, network: { rttMs, jitterMs }, qps, tencentPageSize: BENCH_ROOMS.tencentPageSize });
console.log(emulator.url);
process.once('SIGTERM', () => void emulator.close().then(() => process.exit(0)));
