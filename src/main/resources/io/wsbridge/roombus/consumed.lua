-- The owner handed the in entries up to ARGV[6] to its program: drop them (ARGV[5] token, ARGV[6] the next id).
-- Returns 1, or 0 when fenced off.
if not owns(ARGV[5]) then
  return 0
end
redis.call('XTRIM', KEYS[IN], 'MINID', ARGV[6])
return 1
