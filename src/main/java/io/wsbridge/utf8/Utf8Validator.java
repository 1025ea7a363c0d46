package io.wsbridge.utf8;

import io.netty.buffer.ByteBuf;

/**
 * Checks that a message arriving in pieces is UTF-8, without holding it: a sequence may be split across
 * pieces. Used on client text messages, which RFC 6455 requires to be closed with 1007 when invalid.
 */
public final class Utf8Validator {
    private static final long HIGH_BITS = 0x8080808080808080L;
    private final Utf8Decoder state = new Utf8Decoder();

    /** Feeds the readable bytes of {@code buf} (not consumed); false as soon as they cannot be UTF-8. */
    public boolean feed(ByteBuf buf) {
        int i = buf.readerIndex();
        int end = buf.writerIndex();
        while (i < end) {
            if (state.need == 0) {
                while (i + 8 <= end && (buf.getLong(i) & HIGH_BITS) == 0) {
                    i += 8;
                }
                if (i >= end) {
                    break;
                }
                int b = buf.getByte(i++) & 0xff;
                if (b >= 0x80 && !state.lead(b)) {
                    return false;
                }
            } else if (!state.continuation(buf.getByte(i++) & 0xff)) {
                return false;
            }
        }
        return true;
    }

    /** At the end of a message: true when no sequence was left unfinished. Resets for the next message. */
    public boolean endOfMessage() {
        boolean complete = state.need == 0;
        state.reset();
        return complete;
    }
}
