package io.wsbridge.process;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoop;
import io.netty.channel.epoll.EpollIoHandle;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Picks how children are run: posix_spawn + pipes on the epoll event loops when both are available (no
 * thread per child), else java.lang.Process with pipe threads. {@code -Dwsbridge.process=threads} forces
 * the fallback (to compare them). Either way processes are created on a couple of spawner threads, never on
 * an event loop.
 */
public final class ProcessLaunchers {
    /** Spawner threads: creating a process is mostly waiting (for the kernel, for the child to exec). */
    private static final int SPAWNERS = Math.max(2, Runtime.getRuntime().availableProcessors());

    private ProcessLaunchers() {
    }

    public static ProcessLauncher choose(EventLoopGroup group, ByteBufAllocator alloc) {
        String forced = System.getProperty("wsbridge.process", "");
        if (!"threads".equals(forced) && Posix.AVAILABLE && supportsPipes(group)) {
            Posix.ensureStandardDescriptors();
            Posix.markDescriptorsCloseOnExec();
            return new OffLoopLauncher<>(new PosixStarter(alloc), spawnerThreads());
        }
        return new OffLoopLauncher<>(new JavaProcessStarter(), spawnerThreads());
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

    private static boolean supportsPipes(EventLoopGroup group) {
        return group.next() instanceof IoEventLoop loop && loop.isCompatible(EpollIoHandle.class);
    }

    /** Why the fast launcher is not used, for the start-up log; null when it is. */
    public static String fallbackReason(ProcessLauncher chosen) {
        if ("epoll".equals(chosen.name())) {
            return null;
        }
        if (!Posix.AVAILABLE) {
            return "native posix_spawn unavailable (" + Posix.UNAVAILABLE_CAUSE + ")";
        }
        return "requested or epoll transport unavailable";
    }
}
