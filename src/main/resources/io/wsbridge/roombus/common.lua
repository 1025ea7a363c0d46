-- Shared by every room-bus script (prepended to each). A room's keys share one {hash tag}. Lua 5.1, Redis >= 6.2.
-- Room keys, always passed in this order as KEYS[1..9]: the lease (TOKEN:INSTANCE), the last fencing token, the
-- in stream (clients' events for the program), the out stream (the program's output), the history list, and
-- per member: its instance (MI), join event (MJ), leave event (ML); and members per instance (IC).
local LEASE, EPOCH, IN, OUT, HIST, MI, MJ, ML, IC = 1, 2, 3, 4, 5, 6, 7, 8, 9
-- ARGV[1..4] of every script: this instance's id, the instance-key prefix, the lease in ms, the cap of the in stream.
local SELF, PREFIX, LEASE_MS, IN_CAP = ARGV[1], ARGV[2], ARGV[3], ARGV[4]

-- The fence. True when the lease is this owner's (TOKEN:SELF). A lease that lapsed and that nobody took since
-- (the epoch has not moved past TOKEN, e.g. Redis was slow, restarted, or lost its data) is taken back; one that
-- another instance took is lost for good: its epoch is higher, so an old owner that was paused cannot act again.
local function owns(token)
  local mine = token .. ':' .. SELF
  local cur = redis.call('GET', KEYS[LEASE])
  if cur == mine then
    return true
  end
  if cur then
    return false
  end
  local epoch = tonumber(redis.call('GET', KEYS[EPOCH]) or '0')
  if epoch > tonumber(token) then
    return false
  end
  redis.call('SET', KEYS[LEASE], mine, 'PX', LEASE_MS)
  if epoch < tonumber(token) then
    redis.call('SET', KEYS[EPOCH], token)
  end
  return true
end

-- Every key of a room but the lease (which has its own, shorter expiry) lives KEEP_MS past the last script that
-- touched it as owner or as a joining member: the owner renews them with its lease, so they stay while the room
-- runs, and a room that ended, or whose owner was killed with nobody coming back, leaves nothing in Redis for
-- ever. Long enough for every reader to finish with the out stream of a room that just ended.
local KEEP_MS = math.max(60000, 10 * tonumber(LEASE_MS))

local function keep()
  for k = EPOCH, IC do
    redis.call('PEXPIRE', KEYS[k], KEEP_MS)
  end
end

local function add_in(kind, client, data)
  redis.call('XADD', KEYS[IN], 'MAXLEN', '~', IN_CAP, '*', 't', kind, 'c', client, 'd', data)
end

local function forget(client, inst)
  redis.call('HDEL', KEYS[MI], client)
  redis.call('HDEL', KEYS[MJ], client)
  redis.call('HDEL', KEYS[ML], client)
  if redis.call('HINCRBY', KEYS[IC], inst, -1) <= 0 then
    redis.call('HDEL', KEYS[IC], inst)
  end
end

-- Members of instances whose heartbeat key expired (killed, or cut off from Redis) leave: their leave events go
-- to the program like any other. This instance is never purged by itself.
local function purge()
  local dead, any = {}, false
  for _, inst in ipairs(redis.call('HKEYS', KEYS[IC])) do
    if inst ~= SELF and redis.call('EXISTS', PREFIX .. inst) == 0 then
      dead[inst] = true
      any = true
    end
  end
  if not any then
    return 0
  end
  local all, n = redis.call('HGETALL', KEYS[MI]), 0
  for i = 1, #all, 2 do
    local client, inst = all[i], all[i + 1]
    if dead[inst] then
      local leave = redis.call('HGET', KEYS[ML], client) or ''
      forget(client, inst)
      add_in('l', client, leave)
      n = n + 1
    end
  end
  for inst in pairs(dead) do
    redis.call('HDEL', KEYS[IC], inst)
  end
  return n
end

local function last_id(stream)
  local e = redis.call('XREVRANGE', stream, '+', '-', 'COUNT', 1)
  if #e > 0 then
    return e[1][1]
  end
  return '0-0'
end
