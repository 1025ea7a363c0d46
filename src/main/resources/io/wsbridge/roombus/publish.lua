-- The owner's program printed: ARGV[5] token, ARGV[6] out cap, ARGV[7] history size, then (flag, data) pairs.
-- flag '0': output, '1': output kept in the history, '2': the program ended (data "CODE REASON").
-- Returns 1, or 0 when fenced off (nothing is written).
if not owns(ARGV[5]) then
  return 0
end
local producer = ARGV[5] .. ':' .. SELF
local hist_size = tonumber(ARGV[7])
local pushed = false
for i = 8, #ARGV, 2 do
  redis.call('XADD', KEYS[OUT], 'MAXLEN', '~', ARGV[6], '*', 'p', producer, 'f', ARGV[i], 'd', ARGV[i + 1])
  if ARGV[i] == '1' and hist_size > 0 then
    redis.call('RPUSH', KEYS[HIST], ARGV[i + 1])
    pushed = true
  end
end
if pushed then
  redis.call('LTRIM', KEYS[HIST], -hist_size, -1)
end
return 1
