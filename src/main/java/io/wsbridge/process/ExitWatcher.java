package io.wsbridge.process;

import com.sun.jna.LastErrorException;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Reaps a child without a thread and without a descriptor of its own. A child's exit closes its stdout, so
 * the end of stdout is the moment to look (waitpid, WNOHANG); if it is not quite gone yet, or it closed its
 * stdout and lives on, it is looked at again with a growing delay (1 ms doubling to 100 ms) until it has
 * been reaped. A descriptor per child (a pidfd) would have cost a fifth of every connection's share of the
 * open-files limit.
 */
final class ExitWatcher {
    private static final long FIRST_DELAY_US = 1000;
    private static final long MAX_DELAY_US = 100_000;

    private final EventLoop loop;
    private final int pid;
    private final Consumer<ExitStatus> onExit;
    private ScheduledFuture<?> next;
    private long delayUs = FIRST_DELAY_US;
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
        next = loop.schedule(() -> {
            next = null;
            if (!reap()) {
                delayUs = Math.min(MAX_DELAY_US, delayUs * 2);
                schedule();
            }
        }, delayUs, TimeUnit.MICROSECONDS);
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
