package io.wsbridge.session;

import io.netty.channel.EventLoop;
import java.net.InetAddress;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * --reverselookup: the client's host name for REMOTE_HOST, found without ever blocking an event loop. The
 * JDK's lookup blocks, so it runs on a few threads of its own; the session waits for the answer for at most
 * the timeout, then goes on with the address (as it does when the lookup fails or too many are queued).
 */
public final class ReverseLookup {
    /** Finds the name for an address; returns the address itself (or throws) when there is none. */
    @FunctionalInterface
    public interface Resolver {
        String hostName(String address) throws Exception;
    }

    /** The system's resolver (/etc/hosts, DNS PTR records, ...). */
    public static final Resolver SYSTEM = address -> InetAddress.getByName(address).getCanonicalHostName();
    public static final long DEFAULT_TIMEOUT_MS = 2000;
    private static final int THREADS = 4;
    private static final int QUEUE = 256;

    private final Resolver resolver;
    private final long timeoutMs;
    private final ThreadPoolExecutor executor;

    public ReverseLookup(Resolver resolver, long timeoutMs) {
        this.resolver = resolver;
        this.timeoutMs = timeoutMs;
        AtomicInteger n = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUE),
                r -> {
                    Thread t = new Thread(r, "wsbridge-reverse-lookup-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        this.executor.allowCoreThreadTimeOut(true);
    }

    /** Whether there is anything to look up (Unix socket clients have no address). */
    static boolean applies(String address) {
        return address != null && !address.isEmpty() && !"unix-socket".equals(address);
    }

    /** Calls {@code done} on {@code loop}, exactly once, with the host name or else the address. */
    void resolve(String address, EventLoop loop, Consumer<String> done) {
        boolean[] answered = {false};
        Consumer<String> once = name -> {
            if (!answered[0]) {
                answered[0] = true;
                done.accept(name);
            }
        };
        var timeout = loop.schedule(() -> once.accept(address), timeoutMs, TimeUnit.MILLISECONDS);
        try {
            executor.execute(() -> {
                String name = lookup(address);
                loop.execute(() -> {
                    timeout.cancel(false);
                    once.accept(name);
                });
            });
        } catch (RejectedExecutionException e) {
            timeout.cancel(false);
            loop.execute(() -> once.accept(address)); // too many lookups waiting: do without
        }
    }

    private String lookup(String address) {
        try {
            String name = resolver.hostName(address);
            return name == null || name.isBlank() ? address : name;
        } catch (Exception | LinkageError e) {
            return address;
        }
    }

    public void shutdown() {
        executor.shutdownNow();
    }
}
