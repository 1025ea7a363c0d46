package io.wsbridge.process;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Ends a child that outlives its connection, politely then firmly, as websocketd does: its stdin is closed
 * first (done by the caller), then, if its process group is still alive, SIGINT after 100+C ms, SIGTERM
 * after 350+2C ms and SIGKILL after 850+3C ms, where C is --closems. Signals go to the whole group, so the
 * grandchildren a shell script started end too. Runs on the child's event loop.
 */
public final class KillLadder {
    private final EventLoop loop;
    private final ChildProcess child;
    private final long closeMs;
    private final Runnable onGroupGone;
    private ScheduledFuture<?> next;
    private boolean started;
    private boolean finished;

    /**
     * @param onGroupGone run once when the ladder finds the group empty or has sent SIGKILL
     */
    public KillLadder(EventLoop loop, ChildProcess child, long closeMs, Runnable onGroupGone) {
        this.loop = loop;
        this.child = child;
        this.closeMs = closeMs;
        this.onGroupGone = onGroupGone;
    }

    /** Starts the countdown (idempotent). */
    public void start() {
        if (started) {
            return;
        }
        started = true;
        child.watchExit();
        schedule(0);
    }

    public boolean started() {
        return started;
    }

    /** When the leader was reaped: if nothing else is left in the group, stop here. */
    public void leaderExited() {
        if (!finished && !child.groupAlive()) {
            finish();
        }
    }

    private static final int[] SIGNALS = {Signals.SIGINT, Signals.SIGTERM, Signals.SIGKILL};

    /** Delay of step {@code i} counted from the start: 100+C, 350+2C, 850+3C ms. */
    long delayOf(int step) {
        return switch (step) {
            case 0 -> 100 + closeMs;
            case 1 -> 350 + 2 * closeMs;
            default -> 850 + 3 * closeMs;
        };
    }

    private void schedule(int step) {
        long wait = delayOf(step) - (step == 0 ? 0 : delayOf(step - 1));
        next = loop.schedule(() -> fire(step), wait, TimeUnit.MILLISECONDS);
    }

    private void fire(int step) {
        if (finished) {
            return;
        }
        if (!child.groupAlive() || !child.signalGroup(SIGNALS[step])) {
            finish();
            return;
        }
        if (step + 1 < SIGNALS.length) {
            schedule(step + 1);
        } else {
            finish();
        }
    }

    /** Stops the countdown; used when the server must not wait (the caller signals itself). */
    public void cancel() {
        if (next != null) {
            next.cancel(false);
        }
        finished = true;
    }

    private void finish() {
        if (finished) {
            return;
        }
        finished = true;
        if (next != null) {
            next.cancel(false);
        }
        onGroupGone.run();
    }
}
