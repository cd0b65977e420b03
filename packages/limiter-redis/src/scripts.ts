// The limiter's accounting, run inside Redis so that every process sees one quota and no two can
// take the same slot (a script runs atomically: no read-modify-write race). Times are Redis's own
// clock (TIME), so the processes' clocks need not agree.
//
// Keys (one hash slot: the braces): calls — a sorted set, one member per call, scored by the
// latest moment the call can reach the vendor; state — a hash with the next paced start and the
// end of a pause; members — the processes using the quota, by when they were last seen.

/**
 * Reserves the next start for one call: no sooner than the paced slot, the end of a pause, and a
 * full window after the qps-th latest arrival bound — the same rule as presence-core's QpsLimiter,
 * so at most `qps` calls can arrive within any window. Unlike it, no burst after a quiet spell: a
 * fleet job gains at most a fifth of a second from one, and a burst from several processes at once,
 * each opening connections, is what a busy machine sends later than the arrival bound assumes.
 * A process back from its local fallback first writes back the calls it let go meanwhile, by how
 * long ago each started (Redis may have restarted empty, and never knew them). Returns { start, now, fleet }.
 *
 * ARGV: qps, windowMs, intervalMs, maxSendDelayMs, ttlMs, callId, processId, fleetTtlMs, then the
 * written-back calls' ages in ms
 */
export const ACQUIRE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local qps = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local interval = tonumber(ARGV[3])
local delay = tonumber(ARGV[4])
local ttl = tonumber(ARGV[5])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
for i = 9, #ARGV do
  redis.call('ZADD', KEYS[1], now - tonumber(ARGV[i]) + delay, ARGV[6] .. ':local:' .. (i - 8))
end
local state = redis.call('HMGET', KEYS[2], 'next', 'paused')
local start = now
if state[1] then start = math.max(start, tonumber(state[1])) end
if state[2] then start = math.max(start, tonumber(state[2])) end
local n = redis.call('ZCARD', KEYS[1])
if n >= qps then
  local kth = redis.call('ZRANGE', KEYS[1], n - qps, n - qps, 'WITHSCORES')
  start = math.max(start, tonumber(kth[2]) + window)
end
redis.call('ZADD', KEYS[1], start + delay, ARGV[6])
redis.call('HSET', KEYS[2], 'next', start + interval)
redis.call('ZADD', KEYS[3], now, ARGV[7])
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now - tonumber(ARGV[8]))
local fleet = redis.call('ZCARD', KEYS[3])
redis.call('PEXPIRE', KEYS[1], ttl)
redis.call('PEXPIRE', KEYS[2], ttl)
redis.call('PEXPIRE', KEYS[3], ttl)
return { start, now, fleet }
`;

/**
 * The call's answer is back: it reached the vendor by now at the latest, and no sooner than its
 * bound allowed once moved by how late it may have been: the process can let it leave well after
 * the start Redis gave it (a busy event loop), and its way there can take longer than the send
 * delay (the process sees that in a round trip over its least one). ARGV: callId, lateMs
 */
export const RELEASE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local bound = redis.call('ZSCORE', KEYS[1], ARGV[1])
if bound then
  local latest = math.min(now, tonumber(bound) + tonumber(ARGV[2]))
  if latest ~= tonumber(bound) then redis.call('ZADD', KEYS[1], 'XX', latest, ARGV[1]) end
end
return 1
`;

/** The vendor throttled: no call of this quota starts for `ms`. ARGV: ms, ttlMs */
export const PAUSE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local paused = tonumber(redis.call('HGET', KEYS[1], 'paused') or '0')
redis.call('HSET', KEYS[1], 'paused', math.max(paused, now + tonumber(ARGV[1])))
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]))
return 1
`;
