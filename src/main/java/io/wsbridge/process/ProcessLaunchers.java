package io.wsbridge.process;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoopGroup;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How children are run: posix_spawn + pipes on the epoll event loops when both are available (no thread per
 * child), else java.lang.Process with pipe threads ({@code -Dwsbridge.process=threads} forces that, to compare
 * them). Either way processes are created on a couple of spawner threads, never on an event loop, and the
 * choice is made there, when the first child is started (see {@link LazyStarter}).
 */
public final class ProcessLaunchers {
    /** Spawner threads: creating a process is mostly waiting (for the kernel, for the child to exec). */
    private static final int SPAWNERS = Math.max(2, Runtime.getRuntime().availableProcessors());

    private ProcessLaunchers() {
    }

    public static ProcessLauncher choose(EventLoopGroup group, ByteBufAllocator alloc) {
        return new OffLoopLauncher<>(new LazyStarter(group, alloc), spawnerThreads());
    }

    /** Loads the native binding now (it takes a while; see io.wsbridge.StartupPreload). */
    public static boolean preload() {
        return Posix.AVAILABLE;
    }

    private static ThreadPoolExecutor spawnerThreads() {
        AtomicInteger n = new AtomicInteger();
        ThreadFactory factory = r -> {
            Thread t = new Thread(r, "wsbridge-spawn-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        ThreadPoolExecutor pool = new ThreadPoolExecutor(SPAWNERS, SPAWNERS, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), factory);
        pool.allowCoreThreadTimeOut(true); // an idle server keeps no spawner threads
        return pool;
    }
}
