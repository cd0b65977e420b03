// The quota-bound jobs of the benchmark, each as presence-core runs it, with the figures its floor
// needs (calls, the longest chain of calls that must run one after another, the QPS).
import { operations as aliyunOps } from '@rollcall/aliyun-live';
import { DEFAULT_APPS, DEMO_CREDENTIALS as CREDENTIALS, worldIds } from '@rollcall/emulator';
import { createPresence, LimiterRegistry } from '@rollcall/presence-core';
import { aliyun } from '@rollcall/presence-core/aliyun';
import { tencent } from '@rollcall/presence-core/tencent';
import { volcengine } from '@rollcall/presence-core/volcengine';
import { operations as tencentOps } from '@rollcall/tencent-live';
import { operations as volcOps } from '@rollcall/volcengine-rtc';

/** What the benchmark's vendor server holds. */
export const BENCH_ROOMS = {
  volcengineMembers: 1000,
  aliyunMembers: 1000,
  tencentRooms: 40,
  tencentMembers: 1000,
  tencentPageSize: 100,
  agoraMembers: 1000,
} as const;

/** The emulator's demo credentials and apps: the vendor server is the emulator. */
export { DEFAULT_APPS, DEMO_CREDENTIALS as CREDENTIALS } from '@rollcall/emulator';

export interface Job {
  name: string;
  operationId: string;
  qps: number;
  /** Upstream calls the job needs. */
  calls: number;
  /** The longest chain of calls that must wait for each other (pages of one roster). */
  sequential: number;
  run(url: string, limiters?: LimiterRegistry): Promise<void>;
}

const ids = (n: number, prefix = '') => Array.from({ length: n }, (_, i) => `${prefix}${i + 1}`);

export function volcengineStatusJob(count: number): Job {
  const op = volcOps.queryLiveParticipantStatus;
  return {
    name: `Volcengine status, ${count.toLocaleString('en')} ids`,
    operationId: op.operationId,
    qps: op.qps,
    calls: Math.ceil(count / op.batch.max),
    sequential: 1,
    async run(url, limiters = new LimiterRegistry()) {
      const presence = createPresence(volcengine({ credentials: CREDENTIALS.volcengine, endpoint: url, imAppId: DEFAULT_APPS.volcengineImAppId }), {
        limiters,
      });
      // Real-shaped: a 19-digit live group, user ids on both sides of 2^53 (vendor-server.ts).
      const result = await presence.status(worldIds.volcengineGroup(1), worldIds.users(count));
      if (result.length !== count) throw new Error('lost answers');
    },
  };
}

export const JOBS: readonly Job[] = [
  volcengineStatusJob(60_000),
  (() => {
    const op = aliyunOps.batchGetOnlineUsers;
    const count = 4_000;
    return {
      name: `Alibaba status, ${count.toLocaleString('en')} ids`,
      operationId: op.operationId,
      qps: op.qps,
      calls: Math.ceil(count / op.batch.max),
      sequential: 1,
      async run(url: string, limiters = new LimiterRegistry()) {
        const presence = createPresence(aliyun({ credentials: CREDENTIALS.aliyun, endpoint: url, appId: DEFAULT_APPS.aliyunAppId }), { limiters });
        const result = await presence.status('group-1', ids(count, 'user'));
        if (result.length !== count) throw new Error('lost answers');
      },
    };
  })(),
  (() => {
    const op = tencentOps.getMemberList;
    const pages = Math.ceil(BENCH_ROOMS.tencentMembers / BENCH_ROOMS.tencentPageSize);
    return {
      name: `Tencent, ${BENCH_ROOMS.tencentRooms} rosters of ${BENCH_ROOMS.tencentMembers.toLocaleString('en')}`,
      operationId: op.operationId,
      qps: op.qps,
      calls: BENCH_ROOMS.tencentRooms * pages,
      sequential: pages,
      async run(url: string, limiters = new LimiterRegistry()) {
        const presence = createPresence(tencent({ credentials: CREDENTIALS.tencent, endpoint: url }), { limiters });
        await Promise.all(
          Array.from({ length: BENCH_ROOMS.tencentRooms }, async (_, r) => {
            const members = await presence.roster(`room-${r + 1}`).all();
            if (members.length !== BENCH_ROOMS.tencentMembers) throw new Error('lost members');
          }),
        );
      },
    };
  })(),
];

/**
 * The floor of a job: no limiter can pace faster than QPS ÷ (1 + J) and stay under a window counted
 * on arrival when one-way delays spread over J seconds; calls that wait for each other take an RTT
 * each; and the last answer takes one more RTT to come back.
 */
export function floorMs(job: Job, rttMs: number, jitterMs: number): number {
  return Math.max((job.calls * (1 + jitterMs / 1000) * 1000) / job.qps, job.sequential * rttMs) + rttMs;
}
