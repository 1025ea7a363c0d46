package io.wsbridge.framing;

/**
 * The program broke its output framing (a length-prefixed header announcing too much, output that ends in
 * the middle of a message): its session cannot go on, and the message says why, fit for a close reason.
 */
public final class ProgramFramingError extends RuntimeException {
    public ProgramFramingError(String reason) {
        super(reason, null, false, false);
    }
}
