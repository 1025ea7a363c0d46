package io.wsbridge.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polls a condition until it holds or the time is up (then the test fails with {@code what}). */
public final class Waits {
    private Waits() {
    }

    public static void until(Duration timeout, BooleanSupplier condition, String what) throws InterruptedException {
        until(timeout, condition, () -> what);
    }

    /** The same, with a description made when it fails (to show the values at that moment). */
    public static void until(Duration timeout, BooleanSupplier condition, java.util.function.Supplier<String> what)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for: " + what.get());
            }
            Thread.sleep(10);
        }
    }
}
