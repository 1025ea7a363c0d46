package io.wsbridge.process;

import io.netty.buffer.ByteBuf;

/**
 * What a running child reports, always on the event loop it was launched on. Buffers passed in are owned by
 * the listener from then on.
 */
public interface ChildListener {
    /** The child is running (its pid is known); before this, what it was asked to do was held for it. */
    default void started() {
    }

    /**
     * The child could not be started (the program is not executable, no memory, ...). Nothing else is
     * reported after this.
     */
    void startFailed(LaunchException e);

    /** A chunk of stdout, as one read returned it. */
    void stdout(ByteBuf chunk);

    /** The end of a burst of stdout reads: a good moment to flush. */
    void stdoutReadComplete();

    /** stdout reached end of file (the child and everything that inherited it closed it). */
    void stdoutClosed();

    /** A chunk of stderr. */
    void stderr(ByteBuf chunk);

    /** stderr reached end of file. */
    void stderrClosed();

    /** Everything queued for stdin has been written; the producer may go on. */
    void stdinDrained();

    /** The child was reaped. Comes once. */
    void exited(ExitStatus status);
}
