// `rollcall demo`: the whole product on a built-in local default, no cloud account needed.
import { DEFAULT_APPS, DEMO_CREDENTIALS, generateSeed, startEmulator, worldIds } from '@rollcall/emulator';
import { roomsCommand, rosterCommand, statusCommand, type Run } from './commands.js';
import { EXIT } from './errors.js';
import { LIVE_DEMO, liveRosterDemo } from './live-demo.js';
import type { Out } from './output.js';
import { TABLES } from './providers.js';

export const DEMO = {
  statusUsers: 5000,
  roomMembers: 3000,
  tencentRoomMembers: 1500,
  agoraChannels: 2,
  agoraChannelMembers: 1500,
  agoraStatusUsers: 1000,
} as const;

export async function runDemo(out: Out): Promise<number> {
  const inRooms = generateSeed(1, DEMO.roomMembers);
  const tencentRoom = generateSeed(1, DEMO.tencentRoomMembers);
  // Agora: a COMMUNICATION channel (channel-1) and a LIVE_BROADCASTING one (channel-2).
  const agoraChannels = generateSeed(DEMO.agoraChannels, DEMO.agoraChannelMembers);
  // The emulator's clock: the live-roster part moves it past Agora's heartbeat lag.
  let clockOffsetMs = 0;
  const clock = { now: () => Date.now() + clockOffsetMs, advance: (ms: number) => void (clockOffsetMs += ms) };
  const emulator = await startEmulator({ seed: { ...inRooms, tencent: tencentRoom.tencent, agora: agoraChannels.agora }, now: clock.now });
  // Real-shaped ids: a 19-digit live group, user ids on both sides of 2^53, Agora uids above 2^31.
  const users = worldIds.users(DEMO.statusUsers).join(',');
  const liveGroup = worldIds.volcengineGroup(1);
  // A show for people: its tables stay tables even when its output goes through a pipe (| tee).
  const run: Run = { out: { ...out, tables: true }, env: {} };
  const heading = (text: string) => out.write(`\n== ${text}\n`);
  const codes: number[] = [];
  const { volcengine: volc, aliyun: ali } = TABLES.status;
  const tencent = TABLES.roster.tencent;
  const agoraStatus = TABLES.status.agora;
  const agoraRooms = TABLES.rooms.agora;
  const agoraFlags = {
    vendor: 'agora',
    endpoint: emulator.url,
    appId: DEFAULT_APPS.agoraAppId,
    customerId: DEMO_CREDENTIALS.agora.customerId,
    customerSecret: DEMO_CREDENTIALS.agora.customerSecret,
  };
  try {
    out.write(`rollcall demo: the emulator is running at ${emulator.url} with demo rooms\n`);
    heading(`Volcengine: status of ${DEMO.statusUsers} users in live group ${liveGroup} (${volc.operationId}, ${volc.batch} ids per call at ${volc.qps} QPS)`);
    codes.push(
      await statusCommand(run, {
        vendor: 'volcengine',
        endpoint: emulator.url,
        room: liveGroup,
        users,
        imAppId: String(DEFAULT_APPS.volcengineImAppId),
        accessKeyId: DEMO_CREDENTIALS.volcengine.accessKeyId,
        secretAccessKey: DEMO_CREDENTIALS.volcengine.secretAccessKey,
      }),
    );
    heading(`Alibaba Cloud: status of ${DEMO.statusUsers} users in group-1 (${ali.operationId}, ${ali.batch} ids per call at ${ali.qps} QPS)`);
    codes.push(
      await statusCommand(run, {
        vendor: 'aliyun',
        endpoint: emulator.url,
        room: 'group-1',
        users,
        appId: DEFAULT_APPS.aliyunAppId,
        accessKeyId: DEMO_CREDENTIALS.aliyun.accessKeyId,
        secretAccessKey: DEMO_CREDENTIALS.aliyun.accessKeySecret,
      }),
    );
    heading(
      `Tencent Cloud: roster of room-1, a ${DEMO.tencentRoomMembers}-member live room (${tencent.operationId}, following Next; at most ${tencent.cap} listed)`,
    );
    codes.push(
      await rosterCommand(run, {
        vendor: 'tencent',
        endpoint: emulator.url,
        room: 'room-1',
        sdkAppId: String(DEMO_CREDENTIALS.tencent.sdkAppId),
        identifier: DEMO_CREDENTIALS.tencent.identifier,
        secretKey: DEMO_CREDENTIALS.tencent.secretKey,
      }),
    );
    heading(`Agora: the project's channels (${agoraRooms.operationId}, ${agoraRooms.pageSize} per page, each channel once)`);
    codes.push(await roomsCommand(run, agoraFlags));
    heading(
      `Agora: status of ${DEMO.agoraStatusUsers} users in channel-2, a live-broadcasting channel (one ${agoraStatus.listOperationId} call instead of ${DEMO.agoraStatusUsers} ${agoraStatus.operationId} calls at ${agoraStatus.qps} QPS)`,
    );
    codes.push(
      await statusCommand(run, {
        ...agoraFlags,
        room: 'channel-2',
        users: worldIds.agoraUids(DEMO.agoraStatusUsers).join(','),
      }),
    );
    heading(
      `Agora: a live roster of ${LIVE_DEMO.channel} from its callbacks, ${LIVE_DEMO.changes} changes with ${LIVE_DEMO.lossRate * 100} % lost, ${LIVE_DEMO.duplicateRate * 100} % sent twice and reordered, repaired by a snapshot`,
    );
    codes.push(await liveRosterDemo(out, emulator, clock));
  } finally {
    await emulator.close();
  }
  out.write('\nDone: the emulator is stopped.\n');
  // The Tencent room is over the vendor's cap on purpose: that truncation is the demo, not a failure.
  return codes.every((code) => code === EXIT.ok || code === EXIT.incomplete) ? EXIT.ok : EXIT.failure;
}
