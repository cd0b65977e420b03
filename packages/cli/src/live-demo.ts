// The demo's live roster: the emulator churns an Agora channel and posts every change as Agora's
// callbacks, some lost, some twice, reordered; a receiver like `rollcall listen` verifies and
// applies them; one snapshot through presence's roster repairs what was lost. Printed as it goes.
import { createServer } from 'node:http';
import { webhookListener } from '@rollcall/agora-rtc';
import { DEFAULT_APPS, DEMO_CREDENTIALS, type RunningEmulator } from '@rollcall/emulator';
import { createPresence, LiveRosters, type RosterEvent } from '@rollcall/presence-core';
import { agora } from '@rollcall/presence-core/agora';
import { EXIT } from './errors.js';
import { receiverFor } from './listen.js';
import type { Out } from './output.js';

export const LIVE_DEMO = { channel: 'channel-2', changes: 200, changesPerSecond: 200, lossRate: 0.05, duplicateRate: 0.1, reorderMs: 300 } as const;

/** The emulator's clock, which the demo moves past the heartbeat lag before its last snapshot. */
export interface DemoClock {
  now(): number;
  advance(ms: number): void;
}

export async function liveRosterDemo(out: Out, emulator: RunningEmulator, clock: DemoClock): Promise<number> {
  const secret = 'demo-ncs-secret';
  const receiver = receiverFor('agora', secret, { port: '0', host: '127.0.0.1' }, {});
  const rosters = new LiveRosters({ ...receiver.rules, clock: { now: clock.now, sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) } });
  const server = createServer(
    webhookListener({
      verify: receiver.verify,
      reply: receiver.reply,
      onEvent: async (event) => {
        for (const change of receiver.events(event as never) as RosterEvent[]) await rosters.apply(change);
      },
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { channel } = LIVE_DEMO;
  const presence = createPresence(agora({ credentials: DEMO_CREDENTIALS.agora, endpoint: emulator.url, appId: DEFAULT_APPS.agoraAppId }));
  const snapshot = async () => {
    const takenAt = new Date(clock.now());
    return rosters.repair(channel, await presence.roster(channel).all(), takenAt);
  };
  const truth = () => [...(emulator.world.rooms.agora.get(channel)?.keys() ?? [])].sort();
  const differing = async () => {
    const shown = new Set((await rosters.members(channel)).map((m) => m.userId));
    const real = new Set(truth());
    return [...shown].filter((id) => !real.has(id)).length + [...real].filter((id) => !shown.has(id)).length;
  };
  try {
    await snapshot();
    out.write(`First snapshot: ${(await rosters.members(channel)).length} members.\n`);
    emulator.setCallbacks({
      vendor: 'agora',
      url: `http://127.0.0.1:${(server.address() as { port: number }).port}/`,
      secret,
      lossRate: LIVE_DEMO.lossRate,
      duplicateRate: LIVE_DEMO.duplicateRate,
      reorderMs: LIVE_DEMO.reorderMs,
    });
    await emulator.churn({ vendor: 'agora', room: channel, ratePerSecond: LIVE_DEMO.changesPerSecond, changes: LIVE_DEMO.changes });
    await emulator.callbacks!.drain();
    const posted = emulator.callbacks!.stats();
    const applied = rosters.stats();
    out.write(
      `Callbacks: ${posted.changes} changes; ${posted.lost} lost, ${posted.duplicated} sent twice, each delayed up to ${LIVE_DEMO.reorderMs} ms (so reordered).\n` +
        `Events: ${applied.eventsApplied} applied, ${applied.duplicates} duplicates and ${applied.outOfOrder} out-of-order dropped; ` +
        `${await differing()} members differ from the emulator's room before a snapshot (the lost callbacks).\n`,
    );
    // The emulator's clock moves past Agora's heartbeat lag: a snapshot within it would not undo an event.
    clock.advance(receiver.rules.heartbeatLagMs + 1_000);
    const repaired = await snapshot();
    const members = (await rosters.members(channel)).map((m) => m.userId).sort();
    const exact = JSON.stringify(members) === JSON.stringify(truth());
    out.write(
      `One snapshot later (${repaired.length} changes made by it): the live roster of ${channel} ${exact ? 'matches' : 'does NOT match'} the emulator member by member, ${members.length} members.\n`,
    );
    return exact ? EXIT.ok : EXIT.failure;
  } finally {
    emulator.setCallbacks(undefined);
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
