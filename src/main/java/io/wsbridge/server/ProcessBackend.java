package io.wsbridge.server;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoopGroup;
import io.wsbridge.logging.LogScope;
import io.wsbridge.process.OffLoopLauncher;
import io.wsbridge.process.ProcessLauncher;
import io.wsbridge.process.ProcessStarter;
import io.wsbridge.process.epoll.PosixStarter;
import io.wsbridge.process.threads.JavaProcessStarter;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How children are run, picked once at start-up: posix_spawn + pipes on the epoll event loops when both are
 * available (no thread per child), else java.lang.Process with pipe threads ({@code -Dwsbridge.process=threads}
 * forces that, to compare them). Either way processes are created on a couple of spawner threads, never on an
 * event loop; the pick is the spawners' first task, so loading the native binding does not delay listening.
 */
final class ProcessBackend {
    private static final LogScope LOG = LogScope.of("process");
    /** Spawner threads: creating a process is mostly waiting (for the kernel, for the child to exec). */
    private static final int SPAWNERS = Math.max(2, Runtime.getRuntime().availableProcessors());

    private ProcessBackend() {
    }

    static ProcessLauncher choose(EventLoopGroup group, ByteBufAllocator alloc) {
        return new OffLoopLauncher(() -> pick(group, alloc), spawnerThreads());
    }

    private static ProcessStarter pick(EventLoopGroup group, ByteBufAllocator alloc) {
        boolean forced = "threads".equals(System.getProperty("wsbridge.process", ""));
        ProcessStarter starter = forced ? null : PosixStarter.forLoops(group, alloc);
        if (starter == null) {
            LOG.info("Child processes use pipe threads: {}", forced ? "requested" : PosixStarter.unavailableReason());
            starter = new JavaProcessStarter();
        }
        LOG.debug("Child processes via {}", starter.name());
        return starter;
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
