// The live rosters' scripts, run inside Redis so that every receiver of a fleet applies events and
// snapshots to one roster, one at a time (a script runs atomically). The rules are presence-core's
// LiveRosters (live.ts), written again in Lua; the tests run both on the same events.
//
// Keys (one hash slot per room): users — a hash, user → record (JSON: p present 0/1, o the order
// of the newest event applied as a decimal string ('' when only a snapshot spoke), a when learnt
// of (ms), r role ('' none), v visibility, b 'event' or 'snapshot', k until when a "left" record is
// kept); left — "left" records by expiry; events — event ids applied, by expiry; changes — a stream.

/** Orders are non-negative decimal strings of any length (Agora's clientSeq can pass 2^53). */
const COMMON = `
local function cmp(a, b)
  if #a ~= #b then if #a < #b then return -1 else return 1 end end
  if a == b then return 0 end
  if a < b then return -1 else return 1 end
end
local function prune(users, left, now)
  local expired = redis.call('ZRANGEBYSCORE', left, '-inf', '(' .. now)
  for _, user in ipairs(expired) do
    local raw = redis.call('HGET', users, user)
    if raw then
      local rec = cjson.decode(raw)
      if rec.p == 0 and rec.k < now then redis.call('HDEL', users, user) end
    end
  end
  if #expired > 0 then redis.call('ZREMRANGEBYSCORE', left, '-inf', '(' .. now) end
end
`;

/**
 * One event. KEYS: users, left, events, changes. ARGV: user, change, order, at, role ('-' keeps
 * the member's), visibility ('' keeps it), eventId ('' none), now, leftRecordMs, ttlMs, stream
 * length. Returns { outcome, change made ('' none), role, visibility, '1' when the event
 * confirms a counted snapshot change }.
 */
export const APPLY_EVENT = `${COMMON}
local now = tonumber(ARGV[8])
prune(KEYS[1], KEYS[2], now)
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', '(' .. now)
if ARGV[7] ~= '' then
  if redis.call('ZSCORE', KEYS[3], ARGV[7]) then return { 'duplicate', '' } end
  redis.call('ZADD', KEYS[3], now + tonumber(ARGV[9]), ARGV[7])
end
local user, change, order = ARGV[1], ARGV[2], ARGV[3]
local raw = redis.call('HGET', KEYS[1], user)
local rec = nil
if raw then rec = cjson.decode(raw) end
if rec and rec.o ~= '' then
  local c = cmp(order, rec.o)
  if c < 0 then return { 'out-of-order', '' } end
  if c == 0 then
    local sameRole = change ~= 'role' or ARGV[5] == '-' or ARGV[5] == rec.r
    -- A copy; always when a snapshot has spoken since that event (see presence-core's live.ts).
    if rec.b == 'snapshot' or ((rec.p == 1) == (change ~= 'leave') and sameRole) then return { 'duplicate', '' } end
  end
end
local at = tonumber(ARGV[4])
-- The event a counted snapshot change stood in for, late: the caller takes the count back.
local confirms = '0'
if rec and rec.c == 1 and at <= rec.a and (change == 'leave') == (rec.p == 0) then confirms = '1' end
local made = ''
local nextRec
if change == 'leave' then
  nextRec = { p = 0, o = order, a = at, r = rec and rec.r or '', v = rec and rec.v or 'unknown', b = 'event', k = now + tonumber(ARGV[9]), c = 0 }
  redis.call('ZADD', KEYS[2], nextRec.k, user)
  if rec and rec.p == 1 then made = 'left' end
else
  local role = ARGV[5]
  if role == '-' then role = rec and rec.r or '' end
  local visibility = ARGV[6]
  if visibility == '' then visibility = rec and rec.v or 'unknown' end
  nextRec = { p = 1, o = order, a = at, r = role, v = visibility, b = 'event', k = 0, c = 0 }
  if not (rec and rec.p == 1) then made = 'joined' elseif rec.r ~= role or rec.v ~= visibility then made = 'updated' end
end
redis.call('HSET', KEYS[1], user, cjson.encode(nextRec))
if made ~= '' then
  redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[11], '*', 'user', user, 'change', made, 'by', 'event', 'at', at, 'role', nextRec.r, 'visibility', nextRec.v)
end
for i = 1, 4 do redis.call('PEXPIRE', KEYS[i], tonumber(ARGV[10])) end
return { 'applied', made, nextRec.r, nextRec.v, confirms }
`;

/**
 * A snapshot. KEYS: users, left, changes. ARGV: takenAt, heartbeatLagMs, now, leftRecordMs, ttlMs,
 * stream length, counted (1: the changes count as events lost; 0: a baseline), then (user, role,
 * visibility) for each member listed. Returns the changes made,
 * flat: user, change, role, visibility.
 */
export const REPAIR_ROOM = `${COMMON}
local takenAt = tonumber(ARGV[1])
local settled = takenAt - tonumber(ARGV[2])
local now = tonumber(ARGV[3])
prune(KEYS[1], KEYS[2], now)
local out = {}
local function emit(user, change, rec)
  table.insert(out, user)
  table.insert(out, change)
  table.insert(out, rec.r)
  table.insert(out, rec.v)
  redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[6], '*', 'user', user, 'change', change, 'by', 'snapshot', 'at', takenAt, 'role', rec.r, 'visibility', rec.v)
end
local counted = tonumber(ARGV[7])
local listed = {}
for i = 8, #ARGV, 3 do
  local user, role, visibility = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  listed[user] = true
  local raw = redis.call('HGET', KEYS[1], user)
  local rec = nil
  if raw then rec = cjson.decode(raw) end
  if rec and rec.p == 1 then
    if rec.a <= settled and (rec.r ~= role or rec.v ~= visibility) then
      rec.r = role
      rec.v = visibility
      rec.a = takenAt
      rec.b = 'snapshot'
      rec.c = 0
      redis.call('HSET', KEYS[1], user, cjson.encode(rec))
      emit(user, 'updated', rec)
    end
  elseif not (rec and rec.a > settled) then
    local added = { p = 1, o = rec and rec.o or '', a = takenAt, r = role, v = visibility, b = 'snapshot', k = 0, c = counted }
    redis.call('HSET', KEYS[1], user, cjson.encode(added))
    emit(user, 'joined', added)
  end
end
local all = redis.call('HGETALL', KEYS[1])
for i = 1, #all, 2 do
  local user = all[i]
  local rec = cjson.decode(all[i + 1])
  if rec.p == 1 and not listed[user] and rec.a <= settled then
    rec.p = 0
    rec.a = takenAt
    rec.b = 'snapshot'
    rec.c = counted
    rec.k = now + tonumber(ARGV[4])
    redis.call('HSET', KEYS[1], user, cjson.encode(rec))
    redis.call('ZADD', KEYS[2], rec.k, user)
    emit(user, 'left', rec)
  end
end
for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], tonumber(ARGV[5])) end
return out
`;

/** The members. KEYS: users, left. ARGV: now. Returns flat: user, record. */
export const ROOM_MEMBERS = `${COMMON}
prune(KEYS[1], KEYS[2], tonumber(ARGV[1]))
local all = redis.call('HGETALL', KEYS[1])
local out = {}
for i = 1, #all, 2 do
  if cjson.decode(all[i + 1]).p == 1 then
    table.insert(out, all[i])
    table.insert(out, all[i + 1])
  end
end
return out
`;
