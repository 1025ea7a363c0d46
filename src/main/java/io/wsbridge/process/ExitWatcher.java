package io.wsbridge.process;

import com.sun.jna.LastErrorException;
import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.unix.FileDescriptor;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Learns that a child exited without a thread: a pidfd (Linux 5.3+) becomes readable when the process
 * ends, then waitpid reaps it. On older kernels it polls waitpid on the loop instead.
 */
final class ExitWatcher implements EpollIoHandle {
    private static final long POLL_MS = 50;

    private final int pid;
    private final Consumer<ExitStatus> onExit;
    private FileDescriptor pidfd;
    private IoRegistration registration;
    private ScheduledFuture<?> poller;
    private boolean done;
    private boolean closed;

    ExitWatcher(int pid, Consumer<ExitStatus> onExit) {
        this.pid = pid;
        this.onExit = onExit;
    }

    void start(IoEventLoop loop) throws IOException {
        int fd = openPidfd(pid);
        if (fd >= 0) {
            pidfd = new FileDescriptor(fd);
            registration = Registrations.register(loop, this);
            registration.submit(EpollIoOps.EPOLLIN);
        } else {
            poller = loop.scheduleWithFixedDelay(this::reap, POLL_MS, POLL_MS, TimeUnit.MILLISECONDS);
        }
        // A child that already exited is not missed: its pidfd is readable at once (level-triggered).
    }

    private static int openPidfd(int pid) {
        try {
            return (int) Posix.syscall(Posix.SYS_PIDFD_OPEN, pid, 0);
        } catch (LastErrorException | UnsatisfiedLinkError e) {
            return -1;
        }
    }

    @Override
    public FileDescriptor fd() {
        return pidfd;
    }

    @Override
    public void handle(IoRegistration reg, IoEvent event) {
        reap();
    }

    boolean exited() {
        return done;
    }

    private void reap() {
        if (done) {
            return;
        }
        int[] status = new int[1];
        int r;
        try {
            r = Posix.waitpid(pid, status, Posix.WNOHANG);
        } catch (LastErrorException e) {
            if (e.getErrorCode() == Posix.EINTR) {
                return;
            }
            // ECHILD: reaped elsewhere; the status is lost but the child is gone.
            finish(new ExitStatus(255, 0));
            return;
        }
        if (r == pid) {
            finish(ExitStatus.fromWaitStatus(status[0]));
        }
    }

    private void finish(ExitStatus status) {
        done = true;
        close();
        onExit.accept(status);
    }

    @Override
    public void close() {
        if (poller != null) {
            poller.cancel(false);
            poller = null;
        }
        if (pidfd != null && !closed) {
            closed = true;
            Registrations.cancelAndClose(registration, pidfd);
        }
    }
}
