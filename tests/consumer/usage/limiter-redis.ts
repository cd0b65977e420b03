// @rollcall/limiter-redis: a fleet's shared quota, plugged into presence-core.
import { createPresence, type LimiterRegistry } from '@rollcall/presence-core';
import { volcengine } from '@rollcall/presence-core/volcengine';
import { RedisLimiterRegistry, UNKNOWN_FLEET_SHARE, type RedisLimiterStats, type RedisLimitersOptions } from '@rollcall/limiter-redis';

const options: RedisLimitersOptions = {
  url: 'redis://127.0.0.1:1',
  keyPrefix: 'rollcall:limiter',
  fallbackShare: UNKNOWN_FLEET_SHARE,
  commandTimeoutMs: 250,
  probeIntervalMs: 1000,
  onModeChange: ({ key, mode, reason }) => void `${key.operation} ${mode} ${reason}`,
};

export async function run(): Promise<string> {
  const limiters = new RedisLimiterRegistry(options);
  const registry: LimiterRegistry = limiters;
  const presence = createPresence(volcengine({ credentials: { accessKeyId: 'AK', secretAccessKey: 'SK' }, imAppId: 1 }), { limiters: registry });
  const stats: RedisLimiterStats = limiters.stats();
  await limiters.close();
  return `${presence.vendor} ${stats.shared} ${stats.local} ${stats.roundTrips} ${stats.fallbacks} ${stats.acquireMs}`;
}
