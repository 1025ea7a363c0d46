-- A client of this instance joins: ARGV[5] client, ARGV[6] join event, ARGV[7] leave event, ARGV[8] most
-- members (0: no limit), ARGV[9] '1' to send the join through the in stream (this instance is not the owner).
-- Returns the member count after joining, or 0 when the room is full.
local max = tonumber(ARGV[8])
if max > 0 and redis.call('HLEN', KEYS[MI]) >= max then
  purge()
  if redis.call('HLEN', KEYS[MI]) >= max then
    return 0
  end
end
if redis.call('HSET', KEYS[MI], ARGV[5], SELF) == 1 then
  redis.call('HINCRBY', KEYS[IC], SELF, 1)
end
redis.call('HSET', KEYS[MJ], ARGV[5], ARGV[6])
redis.call('HSET', KEYS[ML], ARGV[5], ARGV[7])
if ARGV[9] == '1' then
  add_in('j', ARGV[5], ARGV[6])
end
return redis.call('HLEN', KEYS[MI])
