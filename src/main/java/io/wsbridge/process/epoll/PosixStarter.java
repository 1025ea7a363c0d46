package io.wsbridge.process.epoll;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoop;
import io.netty.channel.epoll.EpollIoHandle;
import io.wsbridge.process.ChildListener;
import io.wsbridge.process.ChildProcess;
import io.wsbridge.process.LaunchException;
import io.wsbridge.process.LaunchSpec;
import io.wsbridge.process.ProcessStarter;
import io.wsbridge.process.Signals;

/** posix_spawn into a process group of its own; pipes served by Netty's epoll event loops (no threads). */
public final class PosixStarter implements ProcessStarter {
    private final ByteBufAllocator alloc;
    /** The server's budget of grown pipes, shared by all its children. */
    private final PipeGrowth growth = PipeGrowth.standard();

    private PosixStarter(ByteBufAllocator alloc) {
        this.alloc = alloc;
    }

    /** Loads the native binding (it takes a while; see io.wsbridge.StartupPreload); true when it works. */
    public static boolean preload() {
        return Posix.AVAILABLE;
    }

    /**
     * The starter, when the native binding works and {@code group}'s loops are epoll loops that can watch
     * pipes; null otherwise. Prepares the server's own descriptors for spawning children first.
     */
    public static PosixStarter forLoops(EventLoopGroup group, ByteBufAllocator alloc) {
        if (!Posix.AVAILABLE || !(group.next() instanceof IoEventLoop loop)
                || !loop.isCompatible(EpollIoHandle.class)) {
            return null;
        }
        Posix.ensureStandardDescriptors();
        if (!Posix.HAS_CLOSEFROM) {
            Posix.markDescriptorsCloseOnExec();
        }
        return new PosixStarter(alloc);
    }

    /** Why {@link #forLoops} gave none, for the log. */
    public static String unavailableReason() {
        return !Posix.AVAILABLE ? "native posix_spawn unavailable (" + Posix.UNAVAILABLE_CAUSE + ")"
                : "the epoll transport is unavailable";
    }

    /** Whether the native binding can start a child in a given directory (posix_spawn_file_actions_addchdir). */
    public static boolean canChangeDirectory() {
        return Posix.AVAILABLE && Posix.HAS_CHDIR;
    }

    @Override
    public Spawned spawn(LaunchSpec spec) throws LaunchException {
        PosixSpawner.Spawned spawned = PosixSpawner.spawn(spec);
        return new Spawned() {
            @Override
            public ChildProcess attach(EventLoop loop, ChildListener listener) throws LaunchException {
                return EpollChildProcess.attach(spawned, EpollChildProcess.pipeLoop(loop, this), alloc, growth,
                        listener);
            }

            @Override
            public void abandon() {
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
        };
    }

    @Override
    public String name() {
        return "epoll";
    }
}
