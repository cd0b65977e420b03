// presence-core against the emulator, end to end: the real clients, signed requests, the
// emulator's vendor semantics.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_APPS, DEMO_CREDENTIALS, generateSeed, startEmulator, type RunningEmulator } from '@rollcall/emulator';
import { createPresence, LimiterRegistry } from '../../src/index.js';
import { volcengine } from '../../src/providers/volcengine.js';

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startEmulator({ seed: generateSeed(2, 500) });
});
afterAll(async () => {
  await emulator.close();
});

describe('Volcengine app with string user ids', () => {
  it('presence-core over the emulator with string ids: 450 ids in calls of at most 200 together, each answered under its string', async () => {
    const presence = createPresence(
      volcengine({ credentials: DEMO_CREDENTIALS.volcengine, endpoint: emulator.url, imAppId: DEFAULT_APPS.volcengineImAppId, userIds: 'string' }),
      { limiters: new LimiterRegistry() },
    );
    const before = emulator.stats().QueryLiveParticipantStatus?.served ?? 0;
    const ids = Array.from({ length: 450 }, (_, i) => (i % 3 === 0 ? `user${i + 1}` : `stranger${i}`));
    const result = await presence.status('2', ids);
    expect(emulator.stats().QueryLiveParticipantStatus!.served - before).toBe(3);
    expect(result.map((e) => e.userId)).toEqual(ids);
    expect(result.map((e) => e.ok && e.online)).toEqual(ids.map((id) => id.startsWith('user')));
  });
});
