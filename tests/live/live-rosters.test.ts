// Live rosters end to end (issue 23): the emulator churns a room of real-shaped ids and posts every
// change signed as the vendor signs it, losing 5 %, duplicating 10 % and reordering up to 300 ms;
// a receiver verifies each callback with the vendor package's verifier and applies it; snapshots
// through presence's quota-paced roster repair what was lost. Once the events are past the vendor's
// heartbeat lag, one snapshot makes the roster the emulator's truth, member by member — and only
// the changes the lost callbacks would have made are made by it.
import { createServer, type Server } from 'node:http';
import { agoraWebhookReply, verifyAgoraWebhook, webhookListener } from '@rollcall/agora-rtc';
import { DEFAULT_APPS, DEMO_CREDENTIALS, generateSeed, startEmulator, CALLBACK_SPACES, type CallbackVendor } from '@rollcall/emulator';
import { createPresence, LiveRosters, type RosterEvent } from '@rollcall/presence-core';
import { agora, agoraLiveRoster, agoraRosterEvents } from '@rollcall/presence-core/agora';
import { tencent, tencentLiveRoster, tencentRosterEvents } from '@rollcall/presence-core/tencent';
import { volcengine, volcengineLiveRoster, volcengineRosterEvents } from '@rollcall/presence-core/volcengine';
import { tencentWebhookReply, verifyTencentWebhook } from '@rollcall/tencent-live';
import { verifyVolcengineWebhook, volcengineWebhookReply } from '@rollcall/volcengine-rtc';
import { describe, expect, it } from 'vitest';

const SECRET = 'emulator-callback-secret';

const vendors = {
  agora: {
    verify: (input: Parameters<typeof verifyAgoraWebhook>[0]) => verifyAgoraWebhook(input, { secret: SECRET }),
    reply: agoraWebhookReply,
    events: (event: unknown) => agoraRosterEvents(event as Parameters<typeof agoraRosterEvents>[0]),
    rules: agoraLiveRoster,
    provider: (endpoint: string) => agora({ credentials: DEMO_CREDENTIALS.agora, endpoint, appId: DEFAULT_APPS.agoraAppId }),
  },
  tencent: {
    verify: (input: Parameters<typeof verifyTencentWebhook>[0]) => verifyTencentWebhook(input, { token: SECRET, sdkAppId: DEMO_CREDENTIALS.tencent.sdkAppId }),
    reply: tencentWebhookReply,
    events: (event: unknown) => tencentRosterEvents(event as Parameters<typeof tencentRosterEvents>[0]),
    rules: tencentLiveRoster,
    provider: (endpoint: string) => tencent({ credentials: DEMO_CREDENTIALS.tencent, endpoint }),
  },
  volcengine: {
    verify: (input: Parameters<typeof verifyVolcengineWebhook>[0]) =>
      verifyVolcengineWebhook(input, { secret: SECRET, appId: DEFAULT_APPS.volcengineRtcAppId }),
    reply: volcengineWebhookReply,
    events: (event: unknown) => volcengineRosterEvents(event as Parameters<typeof volcengineRosterEvents>[0]),
    rules: volcengineLiveRoster,
    provider: (endpoint: string) => volcengine({ credentials: DEMO_CREDENTIALS.volcengine, endpoint, rtcAppId: DEFAULT_APPS.volcengineRtcAppId }),
  },
} as const;

/** A seeded generator: the same losses, copies and delays every run. */
function seeded(seed: number) {
  return () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
}

describe.each(Object.keys(vendors) as CallbackVendor[])('%s callbacks, lost, duplicated and reordered', (vendor) => {
  it('a churning room: exact after one snapshot past the heartbeat lag, member by member', async () => {
    const setup = vendors[vendor];
    // The emulator's clock, moved past the heartbeat lag before the last snapshot (the lag is the vendor's, up to 110 s).
    let offsetMs = 0;
    const now = () => Date.now() + offsetMs;
    const emulator = await startEmulator({ seed: generateSeed(2, 300), qps: 'off', now });
    const rosters = new LiveRosters({ ...setup.rules, clock: { now, sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) } });
    const refused: string[] = [];
    const receiver: Server = createServer(
      webhookListener<unknown>({
        verify: setup.verify as (input: Parameters<typeof verifyAgoraWebhook>[0]) => Promise<unknown>,
        reply: setup.reply,
        onEvent: async (event) => {
          for (const change of setup.events(event) as RosterEvent[]) await rosters.apply(change);
        },
        onRefused: (error) => refused.push(error.reason),
      }),
    );
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    try {
      // Agora's second channel is a live-broadcasting one: hosts and audience, each event's role checked by the snapshot.
      const room = vendor === 'agora' ? 'channel-2' : 'room-1';
      const presence = createPresence(setup.provider(emulator.url) as never);
      const snapshot = async () => {
        const takenAt = new Date(now());
        return rosters.repair(room, await (presence as unknown as { roster(room: string): { all(): Promise<never[]> } }).roster(room).all(), takenAt);
      };
      await snapshot();
      const space = CALLBACK_SPACES[vendor];
      const truth = () => [...(emulator.world.rooms[space].get(room)?.keys() ?? [])].sort();
      expect((await rosters.members(room)).map((m) => m.userId).sort()).toEqual(truth());

      emulator.setCallbacks({
        vendor,
        url: `http://127.0.0.1:${(receiver.address() as { port: number }).port}/callbacks`,
        secret: SECRET,
        lossRate: 0.05,
        duplicateRate: 0.1,
        reorderMs: 300,
        random: seeded(0x1d_4a_77_e3),
      });
      const changes = await emulator.churn({ vendor, room, ratePerSecond: 200, changes: 200, random: seeded(0x6b_2c_19_05) });
      await emulator.callbacks!.drain();
      const delivery = emulator.callbacks!.stats();
      expect(changes).toBe(200);
      expect(delivery).toMatchObject({ changes: 200, failed: 0 });
      expect(delivery.lost).toBeGreaterThan(0);
      expect(delivery.duplicated).toBeGreaterThan(0);
      expect(refused).toEqual([]);
      const beforeRepair = rosters.stats();
      // Every post that arrived was applied or dropped as a copy or as out of order.
      expect(beforeRepair.eventsApplied + beforeRepair.duplicates + beforeRepair.outOfOrder).toBe(
        // Tencent's one callback per member moved: one roster event each here.
        delivery.posted,
      );
      // Each second copy is dropped: as a copy, or as older than an event of the user after it.
      expect(beforeRepair.duplicates + beforeRepair.outOfOrder).toBeGreaterThanOrEqual(delivery.duplicated);

      offsetMs = setup.rules.heartbeatLagMs + 1_000;
      const repaired = await snapshot();
      expect((await rosters.members(room)).map((m) => m.userId).sort()).toEqual(truth());
      // Only what lost callbacks would have done is left for the snapshot.
      expect(repaired.length).toBeGreaterThan(0);
      expect(repaired.length).toBeLessThanOrEqual(delivery.lost);
      expect(repaired.every((change) => change.by === 'snapshot')).toBe(true);
    } finally {
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
      await emulator.close();
    }
  });
});

describe("the emulator's callbacks through its admin API", () => {
  it('configured, paused (posts held), resumed (held posts sent), and counted in its state', async () => {
    const emulator = await startEmulator({ seed: generateSeed(1, 10), qps: 'off' });
    const received: string[] = [];
    const receiver = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        received.push(body);
        response.end('{}');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const admin = (path: string, body?: unknown) =>
      fetch(`${emulator.url}/__admin/${path}`, { method: 'POST', body: JSON.stringify(body ?? {}), headers: { 'content-type': 'application/json' } });
    try {
      const url = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/`;
      expect((await admin('callbacks', { vendor: 'agora', url, secret: SECRET })).status).toBe(200);
      expect((await admin('callbacks', { vendor: 'aliyun', url, secret: SECRET })).status).toBe(400);
      expect((await admin('callbacks/pause')).status).toBe(200);
      expect((await admin('join', { space: 'agora', room: 'channel-1', userId: '3000000001' })).status).toBe(200);
      expect((await admin('leave', { space: 'agora', room: 'channel-1', userId: '3000000001' })).status).toBe(200);
      await emulator.callbacks!.drain();
      expect(received).toEqual([]);
      expect((await admin('callbacks/resume')).status).toBe(200);
      await emulator.callbacks!.drain();
      expect(received.map((body) => (JSON.parse(body) as { eventType: number }).eventType).sort()).toEqual([107, 108]);
      const state = (await (await fetch(`${emulator.url}/__admin/state`)).json()) as { callbacks: Record<string, number> };
      expect(state.callbacks).toEqual({ changes: 2, posted: 2, lost: 0, duplicated: 0, failed: 0 });
    } finally {
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
      await emulator.close();
    }
  });
});
