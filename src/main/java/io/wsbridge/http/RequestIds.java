package io.wsbridge.http;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Request ids in websocketd's form (a decimal number from the clock in nanoseconds), made strictly
 * increasing so two requests in the same nanosecond never share one.
 */
public final class RequestIds {
    private final AtomicLong last = new AtomicLong();

    public String next() {
        Instant t = Instant.now();
        long now = t.getEpochSecond() * 1_000_000_000L + t.getNano();
        return Long.toString(last.accumulateAndGet(now, (prev, candidate) -> Math.max(prev + 1, candidate)));
    }
}
