package io.wsbridge.process.epoll;

import com.sun.jna.LastErrorException;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import io.wsbridge.process.ExitStatus;

/**
 * Reaps a child without a thread and without a descriptor of its own. A child's exit closes its stdout, so
 * the end of stdout is the moment to look (waitpid, WNOHANG); a process closes its files a few microseconds
 * before it becomes reapable, so it is looked at again right after the loop's current work, then with a
 * growing delay (50 us doubling to 100 ms) until it has been reaped (it may also have closed its stdout and
 * live on). Reaping promptly matters: the fork slot (--maxforks) is freed then. A descriptor per child (a pidfd) would have cost a fifth of every connection's share of the
 * open-files limit.
 */
final class ExitWatcher {
    private static final long FIRST_DELAY_US = 50;
    private static final long MAX_DELAY_US = 100_000;

    private final EventLoop loop;
    private final int pid;
    private final Consumer<ExitStatus> onExit;
    private ScheduledFuture<?> next;
    private long delayUs;
    private boolean done;

    ExitWatcher(EventLoop loop, int pid, Consumer<ExitStatus> onExit) {
        this.loop = loop;
        this.pid = pid;
        this.onExit = onExit;
    }

    /** Looks now, and keeps looking until the child has been reaped (idempotent). */
    void watch() {
        if (done || next != null) {
            return;
        }
        if (!reap()) {
            schedule();
        }
    }

    private void schedule() {
        Runnable retry = () -> {
            next = null;
            if (!reap()) {
                delayUs = delayUs == 0 ? FIRST_DELAY_US : Math.min(MAX_DELAY_US, delayUs * 2);
                schedule();
            }
        };
        // The first retry (delay 0) runs as soon as the loop's current work is done.
        next = loop.schedule(retry, delayUs, TimeUnit.MICROSECONDS);
    }

    boolean exited() {
        return done;
    }

    /** One waitpid(WNOHANG); true once the child has been reaped (the callback has then run). */
    boolean reap() {
        if (done) {
            return true;
        }
        int[] status = new int[1];
        int r;
        try {
            r = Posix.waitpid(pid, status, Posix.WNOHANG);
        } catch (LastErrorException e) {
            if (e.getErrorCode() == Posix.EINTR) {
                return false;
            }
            // ECHILD: reaped elsewhere; the status is lost but the child is gone.
            finish(new ExitStatus(255, 0));
            return true;
        }
        if (r == pid) {
            finish(ExitStatus.fromWaitStatus(status[0]));
            return true;
        }
        return false;
    }

    private void finish(ExitStatus status) {
        done = true;
        if (next != null) {
            next.cancel(false);
            next = null;
        }
        onExit.accept(status);
    }
}
