package io.wsbridge.process.epoll;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;
import io.netty.channel.IoEventLoop;
import io.wsbridge.process.ChildListener;
import io.wsbridge.process.ChildProcess;
import io.wsbridge.process.ExitStatus;
import io.wsbridge.process.LaunchException;
import io.wsbridge.process.LaunchSpec;
import io.wsbridge.process.ProcessStarter;
import java.io.IOException;

/**
 * Children without a process, for the start-up rehearsal: each is one pipe whose read end (its "stdout") gives
 * back what is written to its write end (its "stdin"), as {@code cat} would, served by the same pipe code as a
 * real child's on the same event loop; its stderr is a pipe that is already at its end. Nothing is executed and
 * nothing can be signalled: the "program" exits (status 0) when its stdout has ended, which follows the close
 * of its stdin, and a signal ends it as if it had killed it. The launch spec is ignored.
 */
public final class LoopbackStarter implements ProcessStarter {
    private final ByteBufAllocator alloc;

    private LoopbackStarter(ByteBufAllocator alloc) {
        this.alloc = alloc;
    }

    /** A starter, or null when the native binding (pipe2) is not available. */
    public static LoopbackStarter create(ByteBufAllocator alloc) {
        return Posix.AVAILABLE ? new LoopbackStarter(alloc) : null;
    }

    @Override
    public Spawned spawn(LaunchSpec spec) throws LaunchException {
        int[] echo = PosixSpawner.pipe();
        int[] err;
        try {
            err = PosixSpawner.pipe();
        } catch (LaunchException e) {
            PosixSpawner.closeQuietly(echo[0]);
            PosixSpawner.closeQuietly(echo[1]);
            throw e;
        }
        PosixSpawner.closeQuietly(err[1]); // nothing will ever write to its stderr
        return new Spawned() {
            @Override
            public ChildProcess attach(EventLoop loop, ChildListener listener) throws LaunchException {
                IoEventLoop ioLoop = EpollChildProcess.pipeLoop(loop, this);
                EpollChildProcess child = new EpollChildProcess(new NoProcess(loop, listener), echo[1], echo[0],
                        err[0], alloc, PipeGrowth.NONE, listener);
                try {
                    child.register(ioLoop);
                } catch (IOException | RuntimeException e) {
                    child.release();
                    throw new LaunchException("cannot watch the pipes: " + e.getMessage(), e);
                }
                return child;
            }

            @Override
            public void abandon() {
                PosixSpawner.closeQuietly(echo[0]);
                PosixSpawner.closeQuietly(echo[1]);
                PosixSpawner.closeQuietly(err[0]);
            }
        };
    }

    @Override
    public String name() {
        return "loopback";
    }

    /** The stand-in for a process: no pid, no group, an exit that is the end of its output. */
    private static final class NoProcess implements EpollChildProcess.Leader {
        private final EventLoop loop;
        private final ChildListener listener;
        private boolean exited;

        NoProcess(EventLoop loop, ChildListener listener) {
            this.loop = loop;
            this.listener = listener;
        }

        @Override
        public long pid() {
            return 0;
        }

        @Override
        public void watch() {
            // its exit is the end of its stdout, which says so itself
        }

        @Override
        public boolean reap() {
            return exited;
        }

        @Override
        public void stdoutClosed() {
            exit(ExitStatus.exited(0));
        }

        @Override
        public boolean signalGroup(int signal) {
            if (exited) {
                return false;
            }
            if (signal != 0) {
                // As a process dies of it: its exit is seen afterwards, not within the signalling call.
                loop.execute(() -> exit(new ExitStatus(0, signal)));
            }
            return true;
        }

        private void exit(ExitStatus status) {
            if (!exited) {
                exited = true;
                listener.exited(status);
            }
        }
    }
}
