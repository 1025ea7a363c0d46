package io.wsbridge.process;

import io.netty.buffer.ByteBuf;

/**
 * A running child and its three pipes, driven from one event loop: every method must be called on the loop
 * the child was launched on, and its {@link ChildListener} is called back on that loop too.
 */
public interface ChildProcess {
    long pid();

    /** Queues bytes for stdin (ownership passes); nothing is written until {@link #flushStdin()}. */
    void queueStdin(ByteBuf data);

    /** Bytes queued for stdin and not yet taken by the pipe. */
    long queuedStdinBytes();

    /**
     * Writes what is queued as far as the pipe takes it. Returns true when the queue is empty; false when the
     * pipe is full, in which case {@link ChildListener#stdinDrained()} follows once it has all been written.
     */
    boolean flushStdin();

    /** Closes stdin as soon as everything queued has been written (the child then reads end of file). */
    void closeStdin();

    /** Stops reading stdout until {@link #resumeStdout()}: the pipe fills and the child blocks. */
    void pauseStdout();

    void resumeStdout();

    /** The same for stderr (--passstderr sends it to a client that may read slowly). */
    void pauseStderr();

    void resumeStderr();

    /** Sends a signal to the child's whole process group; false when nothing is left in the group. */
    boolean signalGroup(int signal);

    /** Whether the child or anything else in its process group is still running. */
    boolean groupAlive();

    /**
     * Makes sure the child's exit is noticed even if its stdout stays open (a grandchild holding it): from
     * now on it is looked for until it happens.
     */
    void watchExit();

    /**
     * Hands what the child's stderr pipe holds right now to {@link ChildListener#stderr}, paused or not. Once
     * the child has exited, everything it wrote is in the pipe: called before {@link #release()}, nothing it
     * said is lost even when its exit and end of stdout were seen before its stderr was read.
     */
    void drainStderr();

    /** Closes every pipe; the child itself is not signalled, but will still be reaped. Idempotent. */
    void release();
}
