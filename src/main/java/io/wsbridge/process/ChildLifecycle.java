package io.wsbridge.process;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;

/**
 * One child from its fork slot to its release, whoever owns it (a WebSocket session, a room, a CGI request).
 * It holds the three things that must each be given back exactly once, whatever the order of endings: the
 * --maxforks slot (given back when the child has been reaped, or could not start), the signal ladder
 * (started when the child must go, cancelled on release) and the pipes (closed on release).
 *
 * <p>The owner says two things: {@link #end()} (its output is no longer wanted: stdin is closed, the rest of
 * its output is drained and dropped, and the ladder ends the process group unless it is already gone) and
 * {@link #done()} (the owner needs the pipes no more). The pipes are released once the child has exited, the
 * owner is done, and the ladder, if it was started, has finished. With {@link AfterExit#END_GROUP} a group
 * that outlives its leader (a script's background job) is ended too before release; with
 * {@link AfterExit#LEAVE_GROUP} it is left alone (a CGI script may start background work).
 *
 * <p>Everything runs on the child's event loop; the owner gets the child's reports through its
 * {@link Owner} methods, {@link Owner#exited} before anything is released.
 */
public final class ChildLifecycle implements ChildListener {
    /** What to do with the rest of the process group once the child has exited and its owner is done. */
    public enum AfterExit { END_GROUP, LEAVE_GROUP }

    /** The owner: the child's reports, and the moment everything was released. */
    public interface Owner extends ChildListener {
        /** Everything was given back; comes once (not after {@link #startFailed}). */
        default void released() {
        }
    }

    private final Owner owner;
    private final ForkLimiter forks;
    private final AfterExit afterExit;
    private ChildProcess child;
    private KillLadder ladder;
    private boolean slotHeld = true;
    private ExitStatus exit;
    private boolean ownerDone;
    private boolean ladderDone;
    private boolean released;

    private ChildLifecycle(Owner owner, ForkLimiter forks, AfterExit afterExit) {
        this.owner = owner;
        this.forks = forks;
        this.afterExit = afterExit;
    }

    /**
     * Starts a child for {@code owner}, which has taken a fork slot from {@code forks} that this lifecycle now
     * holds. Must be called on {@code loop}; returns at once (see {@link ProcessLauncher#launch}).
     *
     * @param closeMs --closems, the extra grace before each step of the signal ladder
     */
    public static ChildLifecycle launch(ProcessLauncher launcher, LaunchSpec spec, EventLoop loop, ForkLimiter forks,
                                        long closeMs, AfterExit afterExit, Owner owner) {
        ChildLifecycle life = new ChildLifecycle(owner, forks, afterExit);
        life.child = launcher.launch(spec, loop, life);
        life.ladder = new KillLadder(loop, life.child, closeMs, life::ladderDone);
        return life;
    }

    /** The child's pipes and signals (valid until release; after that its methods do nothing harmful). */
    public ChildProcess pipes() {
        return child;
    }

    public long pid() {
        return child.pid();
    }

    /** The exit status, once reaped; null before. */
    public ExitStatus exit() {
        return exit;
    }

    public boolean released() {
        return released;
    }

    /** Its output is no longer wanted (its reader left, or it said something wrong): it must go. */
    public void end() {
        if (released) {
            return;
        }
        child.closeStdin();
        child.resumeStdout(); // drained and dropped from now on, so it does not block on a full pipe
        child.resumeStderr();
        if (exit == null || child.groupAlive()) {
            ladder.start();
        }
        maybeRelease();
    }

    /** It closed its output but lives on, with nothing more to say to anyone: the ladder ends it. */
    public void stop() {
        if (!released && exit == null) {
            ladder.start();
        }
    }

    /** The owner needs the pipes no more; they are released as soon as the child is gone. */
    public void done() {
        ownerDone = true;
        endLeftovers();
        maybeRelease();
    }

    // ---- the child's reports, passed on ----

    @Override
    public void started() {
        owner.started();
    }

    @Override
    public void startFailed(LaunchException e) {
        giveBackSlot();
        released = true; // nothing was attached, so nothing else to give back
        owner.startFailed(e);
    }

    @Override
    public void stdout(ByteBuf chunk) {
        owner.stdout(chunk);
    }

    @Override
    public void stdoutReadComplete() {
        owner.stdoutReadComplete();
    }

    @Override
    public void stdoutClosed() {
        owner.stdoutClosed();
    }

    @Override
    public void stderr(ByteBuf chunk) {
        owner.stderr(chunk);
    }

    @Override
    public void stderrClosed() {
        owner.stderrClosed();
    }

    @Override
    public void stdinDrained() {
        owner.stdinDrained();
    }

    @Override
    public void exited(ExitStatus status) {
        exit = status;
        giveBackSlot();
        owner.exited(status);
        if (ladder.started()) {
            ladder.leaderExited();
        }
        endLeftovers();
        maybeRelease();
    }

    // ---- giving back ----

    private void giveBackSlot() {
        if (slotHeld) {
            slotHeld = false;
            forks.release();
        }
    }

    /** The leader is gone and its owner is done, but something else in its group still runs. */
    private void endLeftovers() {
        if (afterExit == AfterExit.END_GROUP && ownerDone && exit != null && !released && child.groupAlive()) {
            ladder.start();
        }
    }

    private void ladderDone() {
        ladderDone = true;
        maybeRelease();
    }

    private void maybeRelease() {
        if (released || !ownerDone || exit == null || (ladder.started() && !ladderDone)) {
            return;
        }
        released = true;
        ladder.cancel();
        // The exit and the end of stdout may be seen in one loop turn before stderr is read: what the child
        // wrote there is in the pipe already, so it reaches the owner (its log) before the pipe is closed.
        child.drainStderr();
        child.release();
        owner.released();
    }
}
