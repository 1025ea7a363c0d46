package io.wsbridge.process;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoop;
import io.netty.channel.epoll.EpollIoHandle;

/**
 * Picks how children are run: posix_spawn + pipes on the epoll event loops when both are available (no
 * thread per child), else java.lang.Process with pipe threads. {@code -Dwsbridge.process=threads} forces
 * the fallback (to compare them).
 */
public final class ProcessLaunchers {
    private ProcessLaunchers() {
    }

    public static ProcessLauncher choose(EventLoopGroup group, ByteBufAllocator alloc) {
        String forced = System.getProperty("wsbridge.process", "");
        if (!"threads".equals(forced) && Posix.AVAILABLE && supportsPipes(group)) {
            Posix.ensureStandardDescriptors();
            Posix.markDescriptorsCloseOnExec();
            return new EpollLauncher(alloc);
        }
        return new ThreadedLauncher();
    }

    private static boolean supportsPipes(EventLoopGroup group) {
        return group.next() instanceof IoEventLoop loop && loop.isCompatible(EpollIoHandle.class);
    }

    /** Why the fast launcher is not used, for the start-up log; null when it is. */
    public static String fallbackReason(ProcessLauncher chosen) {
        if (chosen instanceof EpollLauncher) {
            return null;
        }
        if (!Posix.AVAILABLE) {
            return "native posix_spawn unavailable (" + Posix.UNAVAILABLE_CAUSE + ")";
        }
        return "requested or epoll transport unavailable";
    }
}
