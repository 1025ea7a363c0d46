-- A client of this instance left: ARGV[5] client, ARGV[6] '1' to send its leave event through the in stream.
local inst = redis.call('HGET', KEYS[MI], ARGV[5])
if not inst then
  return 0 -- purged meanwhile: its leave event went out then
end
local leave = redis.call('HGET', KEYS[ML], ARGV[5]) or ''
forget(ARGV[5], inst)
if ARGV[6] == '1' then
  add_in('l', ARGV[5], leave)
end
return 1
