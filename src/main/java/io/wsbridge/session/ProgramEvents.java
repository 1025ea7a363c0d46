package io.wsbridge.session;

import io.wsbridge.framing.MessageSink;
import io.wsbridge.process.ExitStatus;

/**
 * What a program tells its session (the other half of {@link ProgramEndpoint}): its output, already cut into
 * messages (through {@link MessageSink}), and how it ends. Called on the program's event loop.
 */
public interface ProgramEvents extends MessageSink {
    /** It runs (before any output): its clients may be let in. Either this or {@link #failed} comes first. */
    void started();

    /** The end of a burst of output: a good moment to flush. */
    void outputFlush();

    /** What was queued for its stdin has been written; the producer may go on. */
    void inputDrained();

    /** Its output is over (end of file), and every message of it was delivered through {@link #fragment}. */
    void outputEnded();

    /**
     * Its output broke its framing (--framing=lengthprefixed: a header announcing too much, output ending inside
     * a message): it is being ended, and its client should be closed with 1011 and this reason.
     */
    void outputBroken(String reason);

    /** It was reaped. Comes once. */
    void exited(ExitStatus status);

    /** It could not be started; nothing else follows. */
    void failed(String why);
}
