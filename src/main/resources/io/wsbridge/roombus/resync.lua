-- After Redis was out of reach (or lost its data, or purged this instance): this instance's members of the room
-- become exactly the (client, join, leave) triples from ARGV[5] on. Joins and leaves go through the in stream;
-- the owner ignores a join of a client its program already knows and a leave of one it does not.
local want = {}
for i = 5, #ARGV, 3 do
  want[ARGV[i]] = true
end
local all = redis.call('HGETALL', KEYS[MI])
for i = 1, #all, 2 do
  local client, inst = all[i], all[i + 1]
  if inst == SELF and not want[client] then
    local leave = redis.call('HGET', KEYS[ML], client) or ''
    forget(client, inst)
    add_in('l', client, leave)
  end
end
for i = 5, #ARGV, 3 do
  if redis.call('HSET', KEYS[MI], ARGV[i], SELF) == 1 then
    redis.call('HINCRBY', KEYS[IC], SELF, 1)
  end
  redis.call('HSET', KEYS[MJ], ARGV[i], ARGV[i + 1])
  redis.call('HSET', KEYS[ML], ARGV[i], ARGV[i + 2])
  add_in('j', ARGV[i], ARGV[i + 1])
end
return 1
