package io.wsbridge.session;

import io.netty.buffer.ByteBuf;

/**
 * The program side of a session (a child process), as the session sees it: write to it, pause and resume
 * its output, end it. Its output and endings come back through {@link ProgramEvents}. Called on the event
 * loop the program was started on.
 */
public interface ProgramEndpoint {
    /**
     * Queues a piece of a message for the program's stdin (ownership passes; a text message is followed by a
     * newline). Returns false when the program cannot take more for now: {@link ProgramEvents#inputDrained()}
     * follows once it can.
     */
    boolean write(ByteBuf data, boolean binary, boolean last);

    /** Writes what is queued; false as for {@link #write}. */
    boolean flush();

    /** Stops reading its output (the pipe fills and it blocks) until {@link #resumeOutput()}. */
    void pauseOutput();

    void resumeOutput();

    /**
     * Nobody wants its output any more: its stdin is closed, the rest of its output is dropped, the signal
     * ladder ends it if it does not end by itself, and everything it holds is given back once it is gone.
     * Idempotent.
     */
    void end();

    /** Its process id, for the log (-1 before it runs). */
    long pid();
}
