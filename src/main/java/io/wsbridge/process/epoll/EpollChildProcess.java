package io.wsbridge.process.epoll;
import io.wsbridge.process.Signals;
import io.wsbridge.process.LaunchException;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.IoEventLoop;
import java.io.IOException;
import io.wsbridge.process.ChildListener;
import io.wsbridge.process.ChildProcess;

/**
 * A child whose three pipes and exit are all watched by the connection's own epoll event loop: no thread
 * per child, and no hand-off between threads on the way from the child's stdout to the socket.
 */
final class EpollChildProcess implements ChildProcess {
    private final int pid;
    private final PipeWriter stdin;
    private final PipeReader stdout;
    private final PipeReader stderr;
    private final ExitWatcher exit;

    private EpollChildProcess(PosixSpawner.Spawned s, IoEventLoop loop, ByteBufAllocator alloc,
                              PipeGrowth growth, ChildListener listener) {
        this.pid = s.pid();
        this.exit = new ExitWatcher(loop, pid, listener::exited);
        this.stdin = new PipeWriter(s.stdin(), alloc, growth, listener::stdinDrained);
        this.stdout = new PipeReader(s.stdout(), alloc, growth, new PipeReader.Sink() {
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
                exit.watch(); // a child's exit closes its stdout: the usual moment to reap it
                listener.stdoutClosed();
            }
        });
        this.stderr = new PipeReader(s.stderr(), alloc, PipeGrowth.NONE, new PipeReader.Sink() {
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
        EpollChildProcess child = new EpollChildProcess(spawned, loop, alloc, growth, listener);
        try {
            PosixSpawner.setNonBlocking(spawned.stdin());
            PosixSpawner.setNonBlocking(spawned.stdout());
            PosixSpawner.setNonBlocking(spawned.stderr());
            child.stdin.register(loop);
            child.stdout.register(loop);
            child.stderr.register(loop);
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

    @Override
    public long pid() {
        return pid;
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
        return Posix.signal(-pid, signal);
    }

    @Override
    public boolean groupAlive() {
        // While the leader is unreaped its pid (the group id) cannot be reused, so the group answers for it.
        return !exit.reap() || Posix.signal(-pid, 0);
    }

    @Override
    public void watchExit() {
        exit.watch();
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
        exit.watch(); // whatever happens, it is reaped: no zombies
    }
}
