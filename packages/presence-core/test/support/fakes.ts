// A clock the tests drive, and fake vendor backends behind the real clients' fetch.
import {
  aliyunOk,
  aliyunOnlineUser,
  routeVolcengine,
  tencentFail,
  tencentMemberPage,
  tencentOk,
  volcengineFail,
  volcengineOk,
  volcengineParticipant,
  volcengineRoom,
  volcengineStatus,
  wire,
  type Reply,
} from '@rollcall/emulator/wire';
import { readJson } from '@rollcall/runtime';
import { jsonResponse, stubFetch, type RecordedRequest } from '@rollcall/test-support';
export { maxInWindow } from '@rollcall/test-support';
import { operations as tencentOps } from '@rollcall/tencent-live';
import type { Clock } from '../../src/clock.js';

export class FakeClock implements Clock {
  #now = 0;
  #sleepers: Array<{ at: number; resolve(): void }> = [];

  now(): number {
    return this.#now;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const sleeper = { at: this.#now + Math.max(0, ms), resolve };
      this.#sleepers.push(sleeper);
      signal?.addEventListener(
        'abort',
        () => {
          this.#sleepers = this.#sleepers.filter((s) => s !== sleeper);
          reject(signal.reason);
        },
        { once: true },
      );
    });
  }

  get sleeping(): number {
    return this.#sleepers.length;
  }

  /** Lets every pending promise job and I/O callback run. */
  async settle(): Promise<void> {
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
  }

  /** Moves time forward by `ms`, waking sleepers in order. */
  async advance(ms: number): Promise<void> {
    const target = this.#now + ms;
    for (;;) {
      await this.settle();
      const next = this.#sleepers.filter((s) => s.at <= target).sort((a, b) => a.at - b.at)[0];
      if (!next) break;
      this.#now = next.at;
      this.#sleepers = this.#sleepers.filter((s) => s !== next);
      next.resolve();
    }
    this.#now = target;
    await this.settle();
  }

  /** Runs time forward until `promise` settles (sleepers woken in order); fails if it never does. */
  async run<T>(promise: Promise<T>, limitMs = 10 * 60_000): Promise<T> {
    let settled = false;
    const watched = promise.finally(() => {
      settled = true;
    });
    watched.catch(() => undefined);
    const deadline = this.#now + limitMs;
    for (;;) {
      await this.settle();
      if (settled) return watched;
      const next = [...this.#sleepers].sort((a, b) => a.at - b.at)[0];
      if (!next || next.at > deadline) throw new Error(`still pending at t=${this.#now} ms with ${this.#sleepers.length} sleepers`);
      await this.advance(next.at - this.#now);
    }
  }
}

export interface Upstream {
  fetch: (request: Request) => Promise<Response>;
  calls: RecordedRequest[];
  /** Clock time of each call, as the fake clock saw it. */
  times: number[];
}

/** The route (action and version) of a recorded Volcengine request. */
const volcRoute = (request: RecordedRequest) => routeVolcengine({ method: request.method, url: request.url });
const replyResponse = (reply: Reply, headers: Record<string, string> = {}) => jsonResponse(reply.body, reply.status, headers);

/**
 * A Volcengine-shaped backend: even ids are in the group, joined at t=1700000000 s; string ids
 * (ParticipantUserIdsStr) are in when they start with "on".
 */
export function fakeVolcengine(clock: FakeClock, answer?: (request: RecordedRequest, index: number) => Response | undefined): Upstream {
  const times: number[] = [];
  const stub = stubFetch((request, index) => {
    times.push(clock.now());
    const custom = answer?.(request, index);
    if (custom) return custom;
    const route = volcRoute(request);
    const requestId = `req-${index}`;
    if (route.operationId === 'GetRoomOnlineUsers') {
      return replyResponse(volcengineOk(route, requestId, volcengineRoom({ visible: ['a', 'b'], invisible: ['c'] }, 10_000)));
    }
    // Read exactly, as the service does: ids beyond 2^53 come out as digit strings (readJson), made bigints here.
    const read = readJson(request.body!) as {
      AppId: number;
      ConversationShortId: number | string;
      ParticipantUserIds: Array<number | string>;
      ParticipantUserIdsStr?: string[];
    };
    const body = { ...read, ParticipantUserIds: read.ParticipantUserIds.map((id) => BigInt(id)) };
    const joinedAtMs = 1_700_000_000_000;
    if (route.operationId === 'BatchGetConversationParticipant') {
      const members = body.ParticipantUserIds.filter((id) => id % 2n === 0n);
      const participants = members.map((id) => volcengineParticipant(body.ConversationShortId, { userId: id, joinedAtMs, role: 2, nickname: `n${id}` }));
      return replyResponse(volcengineOk(route, requestId, { Participants: participants }));
    }
    const status = [
      ...body.ParticipantUserIds.map((id) => volcengineStatus(body.AppId, body.ConversationShortId, id, id % 2n === 0n ? joinedAtMs : null)),
      ...(body.ParticipantUserIdsStr ?? []).map((id) => volcengineStatus(body.AppId, body.ConversationShortId, id, id.startsWith('on') ? joinedAtMs : null)),
    ];
    return replyResponse(volcengineOk(route, requestId, { Status: status }));
  });
  return { fetch: stub.fetch, calls: stub.calls, times };
}

/** A Volcengine answer to `operationId`, as the service wraps it (sent at the version clients send). */
export function volcengineAnswer(result: unknown, operationId: keyof typeof wire.volcengine.operations = 'QueryLiveParticipantStatus'): Response {
  const op = wire.volcengine.operations[operationId];
  return replyResponse(volcengineOk({ action: op.action, version: op.versions[0] }, 'r', result));
}

export function volcengineError(code: string, status: number, headers: Record<string, string> = {}): Response {
  const route = { action: 'QueryLiveParticipantStatus', version: '2020-12-01' };
  return replyResponse({ ...volcengineFail(route, 'req-err', code, 'failed', status), status }, headers);
}

/** An Alibaba-shaped backend: ids starting with "on" are online. */
export function fakeAliyun(clock: FakeClock): Upstream {
  const times: number[] = [];
  const stub = stubFetch((request, index) => {
    times.push(clock.now());
    const ids = new URLSearchParams(request.body!).get('UserIds')!.split(',');
    return replyResponse(aliyunOk(`req-${index}`, { OnlineUsers: ids.map((id) => aliyunOnlineUser(id, id.startsWith('on') ? 1_700_000_000_000 : null)) }));
  });
  return { fetch: stub.fetch, calls: stub.calls, times };
}

/** A Tencent-shaped backend serving `members` in pages of `pageSize`. */
export function fakeTencent(clock: FakeClock, members: string[], pageSize = 100, cursorFor = (page: number) => `p${page}`): Upstream {
  const times: number[] = [];
  const pageOfCursor = new Map<string, number>([['', 0]]);
  const cap = tencentOps.getMemberList.pagination.cap;
  const stub = stubFetch((request, index) => {
    times.push(clock.now());
    const { Next } = JSON.parse(request.body!);
    const page = pageOfCursor.get(Next);
    if (page === undefined) return replyResponse(tencentFail(`req-${index}`, 60002, 'bad cursor'));
    const slice = members.slice(page * pageSize, (page + 1) * pageSize);
    const more = (page + 1) * pageSize < Math.min(members.length, cap);
    const next = more ? cursorFor(page + 1) : '';
    if (more && !pageOfCursor.has(next)) pageOfCursor.set(next, page + 1);
    return replyResponse(tencentOk(`req-${index}`, tencentMemberPage(slice, members.length, next)));
  });
  return { fetch: stub.fetch, calls: stub.calls, times };
}
