// `pnpm bench` (live rosters, issue 23): figures, not assertions (those are tests/live and the
// packages' tests). Written to bench/results/live-rosters.md.
// 1. An Agora channel of 1,000 members churning 10 changes a second for a minute, its callbacks 5 %
//    lost, 10 % sent twice, each delayed up to 500 ms; a receiver applies them to a live roster that
//    a snapshot repairs every 15 s; beside it, `watch` polling the same channel on the same quota.
//    Measured against the emulator's truth: how long a change takes to show (the event path, and
//    watch's), how far the roster is from the truth after each snapshot, resurrections, calls spent.
// 2. Events applied per second by one process: in memory, and through Redis (a real redis-server).
// 3. Verification CPU per callback, per vendor (node:crypto).
import { createHash, createHmac } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { agoraWebhookReply, verifyAgoraWebhook, webhookListener } from '@rollcall/agora-rtc';
import { DEFAULT_APPS, DEMO_CREDENTIALS, generateSeed, startEmulator } from '@rollcall/emulator';
import { RedisLiveRosters } from '@rollcall/limiter-redis';
import { createPresence, LiveRosters, type RosterEvent, trackRoom } from '@rollcall/presence-core';
import { agora, agoraLiveRoster, agoraRosterEvents } from '@rollcall/presence-core/agora';
import { verifyTencentWebhook } from '@rollcall/tencent-live';
import { startRedis } from '@rollcall/test-support/redis';
import { verifyVolcengineWebhook } from '@rollcall/volcengine-rtc';
import { here } from './processes.js';

const SCENARIO = {
  members: 1000,
  changesPerSecond: 10,
  seconds: 60,
  lossRate: 0.05,
  duplicateRate: 0.1,
  reorderMs: 500,
  snapshotEveryMs: 15_000,
  watchEveryMs: 5_000,
};
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : Number.NaN;
};

async function churnScenario() {
  const secret = 'bench-ncs-secret';
  const emulator = await startEmulator({ seed: generateSeed(2, SCENARIO.members) });
  const channel = 'channel-2';
  const rosters = new LiveRosters(agoraLiveRoster);
  // The truth: when each change happened, and who is in the room.
  const changedAt = new Map<string, number>();
  const left = new Set<string>();
  emulator.world.onChange((change) => {
    if (change.room !== channel || change.space !== 'agora') return;
    changedAt.set(`${change.change}:${change.member.userId}`, performance.now());
    if (change.change === 'leave') left.add(change.member.userId);
  });
  const eventDelays: number[] = [];
  const watchDelays: number[] = [];
  let resurrections = 0;
  const server = createServer(
    webhookListener({
      verify: (input) => verifyAgoraWebhook(input, { secret }),
      reply: agoraWebhookReply,
      onEvent: async (event) => {
        for (const change of agoraRosterEvents(event)) await rosters.apply(change as RosterEvent);
      },
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const presence = createPresence(agora({ credentials: DEMO_CREDENTIALS.agora, endpoint: emulator.url, appId: DEFAULT_APPS.agoraAppId }));
  const stop = new AbortController();
  const following = (async () => {
    for await (const change of rosters.changes({ signal: stop.signal })) {
      if (change.by !== 'event') continue;
      const at = changedAt.get(`${change.change === 'joined' ? 'join' : 'leave'}:${change.userId}`);
      if (at !== undefined) eventDelays.push(performance.now() - at);
      if (change.change === 'joined' && left.has(change.userId)) resurrections++;
    }
  })();
  const watching = (async () => {
    for await (const event of presence.watch(channel, { intervalMs: SCENARIO.watchEveryMs, signal: stop.signal })) {
      if (event.type !== 'joined' && event.type !== 'left') continue;
      const at = changedAt.get(`${event.type === 'joined' ? 'join' : 'leave'}:${event.userId}`);
      if (at !== undefined) watchDelays.push(performance.now() - at);
    }
  })().catch(() => undefined);
  // Snapshots: the distance to the truth right after each, once the events are past the heartbeat lag.
  const distances: number[] = [];
  const truth = () => new Set(emulator.world.rooms.agora.get(channel)?.keys() ?? []);
  const distance = async () => {
    const shown = new Set((await rosters.members(channel)).map((m) => m.userId));
    const real = truth();
    return [...shown].filter((id) => !real.has(id)).length + [...real].filter((id) => !shown.has(id)).length;
  };
  let snapshotCalls = 0;
  const tracking = trackRoom(
    rosters,
    channel,
    async (signal) => {
      snapshotCalls++;
      const members = await presence.roster(channel, signal ? { signal } : {}).all();
      return members;
    },
    { intervalMs: SCENARIO.snapshotEveryMs, signal: stop.signal },
  );
  emulator.setCallbacks({
    vendor: 'agora',
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}/`,
    secret,
    lossRate: SCENARIO.lossRate,
    duplicateRate: SCENARIO.duplicateRate,
    reorderMs: SCENARIO.reorderMs,
  });
  const churning = emulator.churn({
    vendor: 'agora',
    room: channel,
    ratePerSecond: SCENARIO.changesPerSecond,
    changes: SCENARIO.changesPerSecond * SCENARIO.seconds,
  });
  const sampling = setInterval(() => void distance().then((d) => distances.push(d)), 1000);
  await churning;
  await emulator.callbacks!.drain();
  // Past the heartbeat lag and one more snapshot: the roster must then be the truth.
  await new Promise((resolve) => setTimeout(resolve, agoraLiveRoster.heartbeatLagMs + SCENARIO.snapshotEveryMs + 1_000));
  clearInterval(sampling);
  const settled = await distance();
  stop.abort();
  await Promise.allSettled([following, watching, tracking]);
  const delivery = emulator.callbacks!.stats();
  const stats = rosters.stats();
  const watchCalls = (emulator.stats().QueryUserList?.served ?? 0) - snapshotCalls;
  server.close();
  await emulator.close();
  return { delivery, stats, eventDelays, watchDelays, resurrections, distances, settled, snapshotCalls, watchCalls };
}

async function throughput() {
  const events = (n: number, room: string): RosterEvent[] =>
    Array.from({ length: n }, (_, i) => ({
      room,
      userId: String(3_000_000_000 + (i % 5000)),
      change: i % 3 === 2 ? 'leave' : 'join',
      order: BigInt(i),
      at: new Date(),
    }));
  const memory = new LiveRosters(agoraLiveRoster);
  const inMemory = events(200_000, 'bench-memory');
  let started = performance.now();
  for (const event of inMemory) await memory.apply(event);
  const memoryPerSecond = inMemory.length / ((performance.now() - started) / 1000);
  const redis = await startRedis();
  const store = new RedisLiveRosters({ url: redis.url, ...agoraLiveRoster });
  try {
    // Sequential per user, many users at once (as callbacks for different users arrive together).
    const inRedis = events(50_000, 'bench-redis');
    await store.apply(inRedis[0]!);
    started = performance.now();
    const lanes = new Map<string, RosterEvent[]>();
    for (const event of inRedis.slice(1)) lanes.set(event.userId, [...(lanes.get(event.userId) ?? []), event]);
    await Promise.all(
      [...lanes.values()].map(async (lane) => {
        for (const event of lane) await store.apply(event);
      }),
    );
    const redisPerSecond = (inRedis.length - 1) / ((performance.now() - started) / 1000);
    return { memoryPerSecond, redisPerSecond };
  } finally {
    await store.close();
    await redis.stop();
  }
}

async function verificationCpu() {
  const N = 20_000;
  const secret = 'bench-secret';
  const agoraBody = JSON.stringify({
    noticeId: 'n',
    productId: 1,
    eventType: 105,
    notifyMs: Date.now(),
    payload: { channelName: 'c', uid: 4_294_967_295, platform: 7, clientSeq: 1_625_051_030_746, ts: 1 },
  });
  const agoraHeaders = { 'agora-signature-v2': createHmac('sha256', secret).update(agoraBody).digest('hex') };
  const time = Math.floor(Date.now() / 1000);
  const tencentUrl = `/?SdkAppid=1400704311&CallbackCommand=Live.CallbackAfterMemberStateChanged&RequestTime=${time}&Sign=${createHash('sha256')
    .update(secret + time)
    .digest('hex')}`;
  const tencentBody = JSON.stringify({
    CallbackCommand: 'Live.CallbackAfterMemberStateChanged',
    RoomId: 'r',
    EventType: 'Online',
    EventCause: 'Enter',
    MemberList: [{ Member_Account: 'u' }],
    EventTime: Date.now(),
  });
  const fields: Record<string, string> = {
    EventType: 'UserJoinRoom',
    EventData: '{"RoomId":"r","UserId":"u","Timestamp":1}',
    EventTime: '2026-12-05T10:00:00.000000000Z',
    EventId: 'e',
    AppId: 'a',
    Version: '2020-12-01',
    Nonce: '1234',
  };
  const volcBody = JSON.stringify({
    ...fields,
    Signature: createHash('sha256')
      .update(
        [...Object.values(fields), secret]
          .map((v) => Buffer.from(v))
          .sort(Buffer.compare)
          .join(''),
      )
      .digest('hex'),
  });
  const measure = async (verify: () => Promise<unknown>) => {
    for (let i = 0; i < 1000; i++) await verify();
    const before = process.cpuUsage();
    for (let i = 0; i < N; i++) await verify();
    const used = process.cpuUsage(before);
    return (used.user + used.system) / N;
  };
  return {
    agora: await measure(() => verifyAgoraWebhook({ body: agoraBody, headers: agoraHeaders }, { secret })),
    tencent: await measure(() => verifyTencentWebhook({ body: tencentBody, url: tencentUrl }, { token: secret, sdkAppId: 1_400_704_311 })),
    volcengine: await measure(() => verifyVolcengineWebhook({ body: volcBody }, { secret })),
  };
}

const scenario = await churnScenario();
const rates = await throughput();
const cpu = await verificationCpu();
const ms = (value: number) => `${Math.round(value)} ms`;
const report = [
  "# Live rosters from the vendors' callbacks",
  '',
  `Written by \`bench/live-rosters.ts\` (${new Date().toISOString().slice(0, 10)}, Node ${process.versions.node}).`,
  '',
  '## A churning channel',
  '',
  `An Agora channel of ${SCENARIO.members} members (the emulator) churning ${SCENARIO.changesPerSecond} changes a second for ${SCENARIO.seconds} s; callbacks ${SCENARIO.lossRate * 100} % lost, ${SCENARIO.duplicateRate * 100} % sent twice, each delayed up to ${SCENARIO.reorderMs} ms; verified and applied by a receiver; a snapshot (QueryUserList through presence) every ${SCENARIO.snapshotEveryMs / 1000} s. Beside it, \`watch\` polling the same channel every ${SCENARIO.watchEveryMs / 1000} s.`,
  '',
  '| figure | live roster | watch (polling) |',
  '| --- | --- | --- |',
  `| changes posted / lost / sent twice | ${scenario.delivery.changes} / ${scenario.delivery.lost} / ${scenario.delivery.duplicated} | – |`,
  `| events applied / duplicates dropped / out of order dropped | ${scenario.stats.eventsApplied} / ${scenario.stats.duplicates} / ${scenario.stats.outOfOrder} | – |`,
  `| changes only snapshots could make (events lost), after the first | ${scenario.stats.changesBySnapshot} | – |`,
  `| time from a change to the roster showing it, p50 / p99 | ${ms(percentile(scenario.eventDelays, 50))} / ${ms(percentile(scenario.eventDelays, 99))} (delivery delay up to ${SCENARIO.reorderMs} ms) | ${ms(percentile(scenario.watchDelays, 50))} / ${ms(percentile(scenario.watchDelays, 99))} |`,
  `| members off the truth, sampled each second: median / most | ${percentile(scenario.distances, 50)} / ${Math.max(...scenario.distances)} | – |`,
  `| off the truth once events are past the heartbeat lag and a snapshot | ${scenario.settled} | – |`,
  `| users shown back after they left (resurrections) | ${scenario.resurrections} | – |`,
  `| quota calls spent | ${scenario.snapshotCalls} (snapshots) | ${scenario.watchCalls} |`,
  '',
  '## Throughput and CPU',
  '',
  '| figure | value |',
  '| --- | --- |',
  `| events applied per second, one process, in memory | ${Math.round(rates.memoryPerSecond).toLocaleString('en-US')} |`,
  `| events applied per second, one process, through Redis (one script per event, many users at once) | ${Math.round(rates.redisPerSecond).toLocaleString('en-US')} |`,
  `| verification CPU per callback, Agora (HMAC-SHA256 of the body) | ${cpu.agora.toFixed(1)} µs |`,
  `| verification CPU per callback, Tencent (SHA-256 of token and time) | ${cpu.tencent.toFixed(1)} µs |`,
  `| verification CPU per callback, Volcengine (SHA-256 of sorted fields) | ${cpu.volcengine.toFixed(1)} µs |`,
  '',
].join('\n');
console.log(report);
await writeFile(here('./results/live-rosters.md'), report);
