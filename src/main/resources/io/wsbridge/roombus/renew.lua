-- The owner's heartbeat for its room. ARGV[5]: token. Returns 1 (still the owner) or 0 (lost it).
if not owns(ARGV[5]) then
  return 0
end
redis.call('PEXPIRE', KEYS[LEASE], LEASE_MS)
purge()
keep()
return 1
