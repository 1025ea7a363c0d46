package io.wsbridge.deflate;

/**
 * Whether the next outgoing message is worth compressing. RFC 7692 lets any message go uncompressed (RSV1
 * clear), and one that is leaves the compression context alone on both sides. After a message that did not
 * shrink by at least an eighth, the next 1, then 2, 4, ... up to 64 messages are sent as they are, and then
 * compressing is tried again; one that shrinks resets the wait. So chat-like text is always compressed,
 * while random or already compressed data (images, archives) costs deflate CPU on one message in 64.
 * Messages under 256 bytes are not judged: a short chat line in a young context may not shrink yet, and
 * the next ones will (and deflating a short message costs little anyway).
 */
public final class CompressionBackoff {
    static final int MAX_SKIP = 64;
    static final int SMALL = 256;

    private int skip;
    private int backoff = 1;

    /** Called at the start of every message: whether to compress it. */
    public boolean compressNext() {
        if (skip > 0) {
            skip--;
            return false;
        }
        return true;
    }

    /** A compressed message ended: {@code in} bytes became {@code out}. */
    public void compressed(long in, long out) {
        if (in < SMALL) {
            return;
        }
        if (out * 8 > in * 7) {
            skip = backoff;
            backoff = Math.min(backoff * 2, MAX_SKIP);
        } else {
            backoff = 1;
        }
    }
}
