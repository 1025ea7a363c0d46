package io.wsbridge.process.epoll;
import io.wsbridge.process.Signals;
import io.wsbridge.process.LaunchException;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;
import io.netty.channel.IoEventLoop;
import java.io.IOException;
import io.wsbridge.process.ChildListener;
import io.wsbridge.process.ChildProcess;
import io.wsbridge.process.ProcessStarter;

/**
 * A child whose three pipes and exit are all watched by the connection's own epoll event loop: no thread
 * per child, and no hand-off between threads on the way from the child's stdout to the socket.
 */
final class EpollChildProcess implements ChildProcess {
    /** What stands behind the pipes: a process group to signal, and an exit to look for. */
    interface Leader {
        long pid();

        /** Looks for the exit now, and keeps looking until it has been seen (idempotent). */
        void watch();

        /** Looks once; true once the exit has been seen (the listener has then been told). */
        boolean reap();

        /** Sends a signal to the whole group; false when nothing is left in it. */
        boolean signalGroup(int signal);

        /** The end of stdout was read: a process's exit closes it, so the usual moment to look. */
        default void stdoutClosed() {
            watch();
        }
    }

    private final Leader leader;
    private final PipeWriter stdin;
    private final PipeReader stdout;
    private final PipeReader stderr;

    /**
     * @param leader  the process behind the pipes, which tells {@code listener} of its exit
     * @param stdinFd the write end of its stdin; stdoutFd and stderrFd the read ends of its output
     */
    EpollChildProcess(Leader leader, int stdinFd, int stdoutFd, int stderrFd, ByteBufAllocator alloc,
                      PipeGrowth growth, ChildListener listener) {
        this.leader = leader;
        this.stdin = new PipeWriter(stdinFd, alloc, growth, listener::stdinDrained);
        this.stdout = new PipeReader(stdoutFd, alloc, growth, new PipeReader.Sink() {
            @Override
            public void data(ByteBuf chunk) {
                listener.stdout(chunk);
            }

            @Override
            public void readComplete() {
                listener.stdoutReadComplete();
            }

            @Override
            public void closed() {
                leader.stdoutClosed();
                listener.stdoutClosed();
            }
        });
        this.stderr = new PipeReader(stderrFd, alloc, PipeGrowth.NONE, new PipeReader.Sink() {
            @Override
            public void data(ByteBuf chunk) {
                listener.stderr(chunk);
            }

            @Override
            public void readComplete() {
                // stderr goes to the log line by line; nothing to flush
            }

            @Override
            public void closed() {
                listener.stderrClosed();
            }
        });
    }

    /** Serves a spawned child's pipes on {@code loop}; runs on that loop. */
    static ChildProcess attach(PosixSpawner.Spawned spawned, IoEventLoop loop, ByteBufAllocator alloc,
                               PipeGrowth growth, ChildListener listener) throws LaunchException {
        EpollChildProcess child = new EpollChildProcess(new ProcessLeader(loop, spawned.pid(), listener),
                spawned.stdin(), spawned.stdout(), spawned.stderr(), alloc, growth, listener);
        try {
            child.register(loop);
        } catch (IOException | RuntimeException e) {
            // Started but not watchable: do not leave it running unseen, nor as a zombie.
            Posix.signal(-spawned.pid(), Signals.SIGKILL);
            child.stdin.close();
            child.stdout.close();
            child.stderr.close();
            new ExitWatcher(loop, spawned.pid(), status -> { }).watch();
            throw new LaunchException("cannot watch the program's pipes: " + e.getMessage(), e);
        }
        return child;
    }

    /** {@code loop} as a loop that can watch pipes; otherwise {@code spawned} is abandoned and the launch fails. */
    static IoEventLoop pipeLoop(EventLoop loop, ProcessStarter.Spawned spawned) throws LaunchException {
        if (loop instanceof IoEventLoop ioLoop) {
            return ioLoop;
        }
        spawned.abandon();
        throw new LaunchException("event loop cannot watch pipes");
    }

    /** Makes the pipes non-blocking and has {@code loop} serve them. */
    void register(IoEventLoop loop) throws IOException {
        PosixSpawner.setNonBlocking(stdin.fd().intValue());
        PosixSpawner.setNonBlocking(stdout.fd().intValue());
        PosixSpawner.setNonBlocking(stderr.fd().intValue());
        stdin.register(loop);
        stdout.register(loop);
        stderr.register(loop);
    }

    @Override
    public long pid() {
        return leader.pid();
    }

    @Override
    public void queueStdin(ByteBuf data) {
        stdin.queue(data);
    }

    @Override
    public long queuedStdinBytes() {
        return stdin.queuedBytes();
    }

    @Override
    public boolean flushStdin() {
        return stdin.flush();
    }

    @Override
    public void closeStdin() {
        stdin.closeWhenDrained();
    }

    @Override
    public void pauseStdout() {
        stdout.pause();
    }

    @Override
    public void resumeStdout() {
        stdout.resume();
    }

    @Override
    public void pauseStderr() {
        stderr.pause();
    }

    @Override
    public void resumeStderr() {
        stderr.resume();
    }

    @Override
    public boolean signalGroup(int signal) {
        return leader.signalGroup(signal);
    }

    @Override
    public boolean groupAlive() {
        // While the leader is unreaped its pid (the group id) cannot be reused, so the group answers for it.
        return !leader.reap() || leader.signalGroup(0);
    }

    @Override
    public void watchExit() {
        leader.watch();
    }

    @Override
    public void drainStderr() {
        stderr.drain();
    }

    @Override
    public void release() {
        stdin.close();
        stdout.close();
        stderr.close();
        leader.watch(); // whatever happens, it is reaped: no zombies
    }

    /** A spawned process, leader of its own group; reaped with waitpid. */
    private static final class ProcessLeader implements Leader {
        private final int pid;
        private final ExitWatcher exit;

        ProcessLeader(IoEventLoop loop, int pid, ChildListener listener) {
            this.pid = pid;
            this.exit = new ExitWatcher(loop, pid, listener::exited);
        }

        @Override
        public long pid() {
            return pid;
        }

        @Override
        public void watch() {
            exit.watch();
        }

        @Override
        public boolean reap() {
            return exit.reap();
        }

        @Override
        public boolean signalGroup(int signal) {
            return Posix.signal(-pid, signal);
        }
    }
}
