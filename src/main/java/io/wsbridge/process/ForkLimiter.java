package io.wsbridge.process;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts live children against --maxforks (WebSocket sessions and CGI share it). A slot is taken before a
 * child is started and given back when the child has been reaped, not when its connection closes.
 */
public final class ForkLimiter {
    private final int max;
    private final AtomicInteger live = new AtomicInteger();
    private final Object gone = new Object();

    /** @param max most children at once; zero or less means unlimited */
    public ForkLimiter(int max) {
        this.max = max;
    }

    /** Takes a slot; false when all are in use. */
    public boolean tryAcquire() {
        while (true) {
            int n = live.get();
            if (max > 0 && n >= max) {
                return false;
            }
            if (live.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    public void release() {
        if (live.decrementAndGet() == 0) {
            synchronized (gone) {
                gone.notifyAll();
            }
        }
    }

    public int live() {
        return live.get();
    }

    /** Waits until no child is left or the time is up; true when none is left. */
    public boolean awaitNone(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        synchronized (gone) {
            while (live.get() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(gone, left);
            }
        }
        return true;
    }
}
