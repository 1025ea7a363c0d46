-- A client of this instance is admitted: ARGV[5] client, ARGV[6] join event, ARGV[7] leave event, ARGV[8] most
-- members (0: no limit). Its join event goes to the program later (once the instance has it in the room), but a
-- program that starts meanwhile hears of it from here. Returns the member count, or 0 when the room is full.
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
keep()
return redis.call('HLEN', KEYS[MI])
