// Property tests: whatever the ids and whichever batches fail, `status` answers exactly one entry per
// requested id, in input order, and an entry fails exactly when its batch failed.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonResponse } from '@rollcall/test-support';
import { operations } from '@rollcall/volcengine-rtc';
import { createPresence, LimiterRegistry, VendorApiError } from '../../src/index.js';
import { volcengine } from '../../src/providers/volcengine.js';
import { aliyun } from '../../src/providers/aliyun.js';
import { aliyunFail, aliyunOk, aliyunOnlineUser, volcengineStatus } from '@rollcall/emulator/wire';
import { volcengineAnswer, volcengineError } from '../support/fakes.js';

const RUNS = 1000;
// No waiting between calls: these properties are about answers, not pacing.
const unlimited = { QueryLiveParticipantStatus: 1e9, BatchGetOnlineUsers: 1e9 };

describe('status properties', () => {
  it(`Volcengine: one entry per id, in order; failed batches report their error (${RUNS} runs)`, async () => {
    const batchMax = operations.queryLiveParticipantStatus.batch.max;
    await fc.assert(
      fc.asyncProperty(
        // Small id space so that duplicates are common; up to 3 batches.
        fc.array(fc.integer({ min: 1, max: 700 }).map(String), { minLength: 1, maxLength: batchMax * 3 }),
        fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
        async (userIds, failBatch) => {
          const failedIds = new Set<string>();
          let call = 0;
          const provider = volcengine({
            credentials: { accessKeyId: 'AK', secretAccessKey: 'SK' },
            imAppId: 1,
            fetch: async (request: Request) => {
              const body = JSON.parse(await request.text());
              if (failBatch[call++]) {
                for (const id of body.ParticipantUserIds) failedIds.add(String(id));
                return volcengineError('InternalError', 500);
              }
              return volcengineAnswer({
                Status: body.ParticipantUserIds.map((id: number) => volcengineStatus(1, 7, id, id % 3 === 0 ? 0 : null)),
              });
            },
          });
          const presence = createPresence(provider, { retry: { maxAttempts: 1 }, qps: unlimited, limiters: new LimiterRegistry() });
          const result = await presence.status('7', userIds, { failures: 'report' });
          expect(result).toHaveLength(userIds.length);
          result.forEach((entry, i) => {
            expect(entry.userId).toBe(userIds[i]);
            if (failedIds.has(entry.userId)) {
              expect(entry.ok).toBe(false);
              expect(!entry.ok && entry.error).toBeInstanceOf(VendorApiError);
            } else {
              expect(entry).toMatchObject({ ok: true, online: Number(entry.userId) % 3 === 0 });
            }
          });
          expect(call).toBe(Math.ceil(new Set(userIds).size / batchMax));
        },
      ),
      { numRuns: RUNS },
    );
  });

  it(`Alibaba: the same for string ids and any failing batches (${RUNS} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.stringMatching(/^[a-z0-9_-]{1,6}$/), { minLength: 1, maxLength: 80 }), fc.func(fc.boolean()), async (userIds, fails) => {
        let call = 0;
        const provider = aliyun({
          credentials: { accessKeyId: 'AK', accessKeySecret: 'SK' },
          appId: 'app',
          fetch: async (request: Request) => {
            const ids = new URLSearchParams(await request.text()).get('UserIds')!.split(',');
            const reply = fails(call++)
              ? aliyunFail('r', 403, 'Forbidden', 'no')
              : aliyunOk('r', { OnlineUsers: ids.map((id) => aliyunOnlineUser(id, id.length % 2 === 0 ? 0 : null)) });
            return jsonResponse(reply.body, reply.status);
          },
        });
        const presence = createPresence(provider, { qps: unlimited, limiters: new LimiterRegistry() });
        const result = await presence.status('group', userIds, { failures: 'report' });
        expect(result.map((e) => e.userId)).toEqual(userIds);
        for (const entry of result) if (entry.ok) expect(entry.online).toBe(entry.userId.length % 2 === 0);
      }),
      { numRuns: RUNS },
    );
  });
});
