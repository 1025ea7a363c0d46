-- Take the room's lease if nobody holds it, else report the holder. ARGV[5]: '1' to also return the history and
-- the end of the out stream (an instance's first look at the room: its clients get that history, then every out
-- entry after it, so nothing is missing or doubled at the seam).
-- Returns {won (1/0), holder (TOKEN:INSTANCE), last out id, {history...}, {client, join, ...}, last in id}.
local hist, last_out = {}, '0-0'
if ARGV[5] == '1' then
  hist = redis.call('LRANGE', KEYS[HIST], 0, -1)
  last_out = last_id(KEYS[OUT])
end
local cur = redis.call('GET', KEYS[LEASE])
if cur then
  return {0, cur, last_out, hist, {}, '0-0'}
end
-- Fencing token: above every earlier one, and a clock reading so that it stays above them even when Redis lost
-- its data (a restart without persistence) and the counter with it.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local token = tonumber(redis.call('GET', KEYS[EPOCH]) or '0') + 1
if token < now then
  token = now
end
local tok = string.format('%d', token)
redis.call('SET', KEYS[EPOCH], tok)
local holder = tok .. ':' .. SELF
redis.call('SET', KEYS[LEASE], holder, 'PX', LEASE_MS)
purge()
keep()
-- The new program hears of every member first (their joins), then the in backlog from the start.
return {1, holder, last_out, hist, redis.call('HGETALL', KEYS[MJ]), last_id(KEYS[IN])}
