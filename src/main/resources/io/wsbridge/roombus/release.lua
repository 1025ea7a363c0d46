-- The owner's program ended (ARGV[5] token). ARGV[6] '1': the room is over, so its history and streams go too.
if redis.call('GET', KEYS[LEASE]) ~= ARGV[5] .. ':' .. SELF then
  return 0
end
redis.call('DEL', KEYS[LEASE])
if ARGV[6] == '1' then
  redis.call('DEL', KEYS[HIST], KEYS[IN])
end
keep()
return 1
