// The one way this package connects to Redis, for the quota limiters and the live rosters alike.
import { once } from 'node:events';
import { Redis, type RedisOptions } from 'ioredis';

/** ioredis reconnects at most this long apart (see the client's retryStrategy). */
export const RECONNECT_MAX_MS = 2_000;

/** A Redis command slower than this counts as Redis being away. */
export const DEFAULT_COMMAND_TIMEOUT_MS = 1000;

/**
 * A connection that fails at once while Redis is away (the caller decides what then: a fallback,
 * a refusal, a buffer) rather than queueing commands, and keeps reconnecting, at most every 2 s.
 * Connection errors are expected and not thrown as events.
 */
export function openRedis(url = 'redis://127.0.0.1:6379', commandTimeoutMs = DEFAULT_COMMAND_TIMEOUT_MS): Redis {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: commandTimeoutMs,
    connectTimeout: 2_000,
    retryStrategy: (attempt) => Math.min(attempt * 100, RECONNECT_MAX_MS),
  } satisfies RedisOptions);
  redis.on('error', () => undefined);
  return redis;
}

/** Whether the connection is open, waiting up to `timeoutMs` while it is being made. */
export async function whenConnected(redis: Redis, timeoutMs: number): Promise<boolean> {
  if (redis.status === 'ready') return true;
  if (redis.status === 'end' || redis.status === 'close') return false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const ready = await Promise.race([
    // (`once` rejects on an 'error' event: a refused connection is not ready.)
    once(redis, 'ready').then(
      () => true,
      () => false,
    ),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    }),
  ]);
  clearTimeout(timer);
  return ready;
}
