package io.wsbridge.roombus;

/**
 * How the bus behaves; immutable, built once from the command line.
 *
 * @param address  where Redis is
 * @param leaseMs  how long a room's lease lasts without renewal; the owner renews it every third of that, and
 *                 another instance takes over within about 1.33 times that after the owner dies
 * @param outCap   entries kept in a room's out stream (an instance further behind than this misses output)
 * @param inCap    entries kept in a room's in stream while no owner reads it
 */
public record BusSettings(BusAddress address, long leaseMs, long outCap, long inCap) {
    public static final long DEFAULT_LEASE_MS = 5000;

    public BusSettings {
        if (leaseMs < 300) {
            throw new IllegalArgumentException("lease must be at least 300 ms");
        }
    }

    public static BusSettings defaults(BusAddress address) {
        return new BusSettings(address, DEFAULT_LEASE_MS, 100_000, 100_000);
    }

    public BusSettings withLeaseMs(long ms) {
        return new BusSettings(address, ms, outCap, inCap);
    }
}
