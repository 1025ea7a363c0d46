package io.wsbridge.process;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoop;
import io.netty.channel.epoll.EpollIoHandle;
import io.wsbridge.logging.LogScope;

/**
 * Decides how children are started (posix_spawn with pipes on the epoll loops, or java.lang.Process with pipe
 * threads) when the first one is, on a spawner thread: loading the native binding that decides it takes
 * about 100 ms, and the server need not wait for that before it listens.
 */
final class LazyStarter implements ProcessStarter<Object> {
    private static final LogScope LOG = LogScope.of("process");

    private final EventLoopGroup group;
    private final ByteBufAllocator alloc;
    private volatile ProcessStarter<Object> chosen;

    LazyStarter(EventLoopGroup group, ByteBufAllocator alloc) {
        this.group = group;
        this.alloc = alloc;
    }

    @SuppressWarnings("unchecked")
    private ProcessStarter<Object> starter() {
        ProcessStarter<Object> s = chosen;
        if (s != null) {
            return s;
        }
        synchronized (this) {
            if (chosen == null) {
                String forced = System.getProperty("wsbridge.process", "");
                if (!"threads".equals(forced) && Posix.AVAILABLE && supportsPipes(group)) {
                    Posix.ensureStandardDescriptors();
                    Posix.markDescriptorsCloseOnExec();
                    chosen = (ProcessStarter<Object>) (ProcessStarter<?>) new PosixStarter(alloc);
                } else {
                    LOG.info("Child processes use pipe threads: {}", !Posix.AVAILABLE
                            ? "native posix_spawn unavailable (" + Posix.UNAVAILABLE_CAUSE + ")"
                            : "requested, or the epoll transport is unavailable");
                    chosen = (ProcessStarter<Object>) (ProcessStarter<?>) new JavaProcessStarter();
                }
                LOG.debug("Child processes via {}", chosen.name());
            }
            return chosen;
        }
    }

    private static boolean supportsPipes(EventLoopGroup group) {
        return group.next() instanceof IoEventLoop loop && loop.isCompatible(EpollIoHandle.class);
    }

    @Override
    public Object spawn(LaunchSpec spec) throws LaunchException {
        return starter().spawn(spec);
    }

    @Override
    public ChildProcess attach(Object spawned, EventLoop loop, ChildListener listener) throws LaunchException {
        return starter().attach(spawned, loop, listener);
    }

    @Override
    public void abandon(Object spawned) {
        starter().abandon(spawned);
    }

    @Override
    public String name() {
        ProcessStarter<Object> s = chosen;
        return s == null ? "undecided" : s.name();
    }
}
