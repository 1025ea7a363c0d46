package io.wsbridge.process;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;
import io.netty.channel.IoEventLoop;

/** posix_spawn into a process group of its own; pipes served by Netty's epoll event loops (no threads). */
final class PosixStarter implements ProcessStarter<PosixSpawner.Spawned> {
    private final ByteBufAllocator alloc;

    PosixStarter(ByteBufAllocator alloc) {
        this.alloc = alloc;
    }

    @Override
    public PosixSpawner.Spawned spawn(LaunchSpec spec) throws LaunchException {
        return PosixSpawner.spawn(spec);
    }

    @Override
    public ChildProcess attach(PosixSpawner.Spawned spawned, EventLoop loop, ChildListener listener)
            throws LaunchException {
        if (!(loop instanceof IoEventLoop ioLoop)) {
            abandon(spawned);
            throw new LaunchException("event loop cannot watch pipes");
        }
        return EpollChildProcess.attach(spawned, ioLoop, alloc, listener);
    }

    @Override
    public void abandon(PosixSpawner.Spawned spawned) {
        Posix.signal(-spawned.pid(), Signals.SIGKILL);
        PosixSpawner.closeQuietly(spawned.stdin());
        PosixSpawner.closeQuietly(spawned.stdout());
        PosixSpawner.closeQuietly(spawned.stderr());
        try {
            Posix.waitpid(spawned.pid(), new int[1], 0); // killed: this returns at once
        } catch (com.sun.jna.LastErrorException ignored) {
            // already reaped
        }
    }

    @Override
    public String name() {
        return "epoll";
    }
}
