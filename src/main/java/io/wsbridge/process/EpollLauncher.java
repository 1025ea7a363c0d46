package io.wsbridge.process;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;
import io.netty.channel.IoEventLoop;

/** Launches children with posix_spawn and serves their pipes on Netty's epoll event loops. */
final class EpollLauncher implements ProcessLauncher {
    private final ByteBufAllocator alloc;

    EpollLauncher(ByteBufAllocator alloc) {
        this.alloc = alloc;
    }

    @Override
    public ChildProcess launch(LaunchSpec spec, EventLoop loop, ChildListener listener) throws LaunchException {
        if (!(loop instanceof IoEventLoop ioLoop)) {
            throw new LaunchException("event loop cannot watch pipes");
        }
        return EpollChildProcess.start(spec, ioLoop, alloc, listener);
    }

    @Override
    public String name() {
        return "epoll";
    }
}
