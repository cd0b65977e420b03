// A clock the tests drive, and fake vendor backends behind the real clients' fetch.
import { jsonResponse, stubFetch, type RecordedRequest } from '@rollcall/test-support';
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

/** A Volcengine-shaped backend: even ids are in the group, joined at t=1700000000 s. */
export function fakeVolcengine(clock: FakeClock, answer?: (request: RecordedRequest, index: number) => Response | undefined): Upstream {
  const times: number[] = [];
  const stub = stubFetch((request, index) => {
    times.push(clock.now());
    const custom = answer?.(request, index);
    if (custom) return custom;
    const action = request.url.searchParams.get('Action');
    const meta = { RequestId: `req-${index}`, Action: action, Version: '2020-12-01', Service: 'rtc', Region: 'cn-north-1' };
    if (action === 'GetRoomOnlineUsers') {
      return jsonResponse({
        ResponseMetadata: meta,
        Result: { RoomExists: true, TotalUser: 3, TotalInvisibleUser: 1, VisibleUserList: ['a', 'b'], InvisibleUserList: ['c'] },
      });
    }
    const body = JSON.parse(request.body!);
    if (action === 'BatchGetConversationParticipant') {
      return jsonResponse({
        ResponseMetadata: meta,
        Result: {
          Participants: body.ParticipantUserIds.filter((id: number) => id % 2 === 0).map((id: number) => ({
            ConversationShortId: body.ConversationShortId,
            ParticipantUserId: id,
            Operator: 1,
            Role: 2,
            NickName: `n${id}`,
            CreateTime: 1_700_000_000,
            BlockTime: 0,
          })),
        },
      });
    }
    return jsonResponse({
      ResponseMetadata: meta,
      Result: {
        Status: body.ParticipantUserIds.map((id: number) => ({
          AppId: body.AppId,
          ConversationShortId: body.ConversationShortId,
          ParticipantUserId: id,
          IsInConversation: id % 2 === 0,
          CreateTime: id % 2 === 0 ? 1_700_000_000 : 0,
        })),
      },
    });
  });
  return { fetch: stub.fetch, calls: stub.calls, times };
}

export function volcengineError(code: string, status: number, headers: Record<string, string> = {}): Response {
  return jsonResponse(
    {
      ResponseMetadata: {
        RequestId: 'req-err',
        Action: 'QueryLiveParticipantStatus',
        Version: '2020-12-01',
        Error: { CodeN: 0, Code: code, Message: 'failed' },
      },
    },
    status,
    headers,
  );
}

/** An Alibaba-shaped backend: ids starting with "on" are online. */
export function fakeAliyun(clock: FakeClock): Upstream {
  const times: number[] = [];
  const stub = stubFetch((request, index) => {
    times.push(clock.now());
    const ids = new URLSearchParams(request.body!).get('UserIds')!.split(',');
    return jsonResponse({
      RequestId: `req-${index}`,
      Result: { OnlineUsers: ids.map((id) => ({ UserId: id, Online: id.startsWith('on'), JoinTime: id.startsWith('on') ? 1_700_000_000_000 : 0 })) },
    });
  });
  return { fetch: stub.fetch, calls: stub.calls, times };
}

/** A Tencent-shaped backend serving `members` in pages of `pageSize`. */
export function fakeTencent(clock: FakeClock, members: string[], pageSize = 100, cursorFor = (page: number) => `p${page}`): Upstream {
  const times: number[] = [];
  const pageOfCursor = new Map<string, number>([['', 0]]);
  const stub = stubFetch((request, index) => {
    times.push(clock.now());
    const { Next } = JSON.parse(request.body!);
    const page = pageOfCursor.get(Next);
    if (page === undefined) return jsonResponse({ ActionStatus: 'FAIL', ErrorCode: 60002, ErrorInfo: 'bad cursor', RequestId: `req-${index}` });
    const slice = members.slice(page * pageSize, (page + 1) * pageSize);
    const more = (page + 1) * pageSize < Math.min(members.length, 1000);
    const next = more ? cursorFor(page + 1) : '';
    if (more && !pageOfCursor.has(next)) pageOfCursor.set(next, page + 1);
    return jsonResponse({
      ActionStatus: 'OK',
      ErrorCode: 0,
      ErrorInfo: '',
      RequestId: `req-${index}`,
      Response: { Next: next, MemberCount: members.length, MemberList: slice.map((m) => ({ Member_Account: m })) },
    });
  });
  return { fetch: stub.fetch, calls: stub.calls, times };
}

/** The most calls that started within any window of `windowMs`. */
export function maxInWindow(times: readonly number[], windowMs = 1000): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[i]! - sorted[j]! >= windowMs) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}
