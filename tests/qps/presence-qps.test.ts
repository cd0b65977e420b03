// presence-core against the benchmark's vendor server (the emulator in its own process, counting
// each operation's QPS on arrival over any second, as a vendor would): every id answered, the quota
// never exceeded. (The timing figures are the benchmark's business: `pnpm bench`.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPresence, LimiterRegistry } from '@rollcall/presence-core';
import { aliyun } from '@rollcall/presence-core/aliyun';
import { volcengine } from '@rollcall/presence-core/volcengine';
import { operations as aliyunOps } from '@rollcall/aliyun-live';
import { operations as volcOps } from '@rollcall/volcengine-rtc';
import { worldIds } from '@rollcall/emulator';
import { BENCH_ROOMS, CREDENTIALS, DEFAULT_APPS } from '../../bench/jobs.js';
import { startVendor, type VendorProcess } from '../../bench/processes.js';

let vendor: VendorProcess;
let url: string;

beforeAll(async () => {
  vendor = await startVendor(0, 0);
  url = vendor.url;
});

afterAll(() => vendor?.stop());

const stats = (operationId: string) => vendor.stats(operationId);

describe('presence-core against a QPS-enforcing vendor server', () => {
  it('Volcengine: 40,000 ids in 200 paced calls, none throttled, every id answered', async () => {
    const op = volcOps.queryLiveParticipantStatus;
    const presence = createPresence(volcengine({ credentials: CREDENTIALS.volcengine, endpoint: url, imAppId: DEFAULT_APPS.volcengineImAppId }), {
      limiters: new LimiterRegistry(),
    });
    // Real-shaped: the vendor server's 19-digit live group, user ids on both sides of 2^53.
    const ids = worldIds.users(40_000);
    const entries = await presence.status(worldIds.volcengineGroup(1), ids);
    expect(entries.every((e, i) => e.ok && e.userId === ids[i] && e.online === i < BENCH_ROOMS.volcengineMembers)).toBe(true);
    expect(await stats(op.operationId)).toMatchObject({ served: 40_000 / op.batch.max, throttled: 0 });
    expect((await stats(op.operationId)).maxPerSecond).toBeLessThanOrEqual(op.qps);
  });

  it('Alibaba: 4,000 ids in 200 paced calls, none throttled, every id answered', async () => {
    const op = aliyunOps.batchGetOnlineUsers;
    const presence = createPresence(aliyun({ credentials: CREDENTIALS.aliyun, endpoint: url, appId: DEFAULT_APPS.aliyunAppId }), {
      limiters: new LimiterRegistry(),
    });
    const ids = Array.from({ length: 4_000 }, (_, i) => `user${i + 1}`);
    const entries = await presence.status('group-1', ids);
    expect(entries.every((e, i) => e.ok && e.userId === ids[i] && e.online === i < BENCH_ROOMS.aliyunMembers)).toBe(true);
    expect(await stats(op.operationId)).toMatchObject({ served: 4_000 / op.batch.max, throttled: 0 });
    expect((await stats(op.operationId)).maxPerSecond).toBeLessThanOrEqual(op.qps);
  });
});
