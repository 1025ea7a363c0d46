package io.wsbridge.testing;

import io.netty.buffer.PooledByteBufAllocator;
import java.io.File;
import java.time.Duration;

/**
 * What a test may not leave behind, taken before it and compared after it: open descriptors of this JVM
 * (the in-process server's sockets and pipes), live threads, child processes, the server's open connections
 * and live children, and direct memory held by buffers of the server's allocator. After a hostile client is
 * gone, each must come back to its baseline (within a small margin, as lazily started threads and pools
 * come up on first use) within a deadline.
 */
public final class ResourceBaseline {
    /** Direct memory in buffers that may still be in flight (a per-thread cache, a last read). */
    private static final long DIRECT_MARGIN = 1024 * 1024;

    private final TestServer server;
    private final int fds;
    private final int threads;
    private final long directMemory;

    private ResourceBaseline(TestServer server) {
        this.server = server;
        this.fds = openFds();
        this.threads = Thread.activeCount();
        this.directMemory = directMemory();
    }

    /** Takes the baseline now (after the server served one session, so that its lazy parts exist). */
    public static ResourceBaseline of(TestServer server) {
        return new ResourceBaseline(server);
    }

    public static int openFds() {
        String[] fds = new File("/proc/self/fd").list();
        return fds == null ? -1 : fds.length;
    }

    public static long childProcesses() {
        return ProcessHandle.current().children().count();
    }

    public static long directMemory() {
        return PooledByteBufAllocator.DEFAULT.pinnedDirectMemory();
    }

    /** Fails unless everything is back within {@code timeout}. */
    public void assertRestored(Duration timeout) throws InterruptedException {
        Waits.until(timeout, () -> server.server().openConnections() == 0,
                () -> "connections closed (open: " + server.server().openConnections() + ")");
        Waits.until(timeout, () -> server.liveChildren() == 0 && childProcesses() == 0,
                () -> "children reaped (live: " + server.liveChildren() + ", processes: " + childProcesses() + ")");
        Waits.until(timeout, () -> openFds() <= fds + 2,
                () -> "descriptors back to " + fds + " (now " + openFds() + ")");
        Waits.until(timeout, () -> Thread.activeCount() <= threads + 2,
                () -> "threads back to " + threads + " (now " + Thread.activeCount() + ")");
        Waits.until(timeout, () -> directMemory() <= directMemory + DIRECT_MARGIN,
                () -> "direct memory back to " + directMemory + " (now " + directMemory() + ")");
    }

    @Override
    public String toString() {
        return "fds=" + fds + " threads=" + threads + " direct=" + directMemory;
    }
}
