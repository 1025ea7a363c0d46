package io.wsbridge.utf8;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Makes a program's output safe to send as a text message: bytes that are not UTF-8 are replaced with
 * U+FFFD (one per maximal ill-formed subpart, as the Unicode standard and browsers do), so the client never
 * receives an invalid text frame (browsers fail the connection on one). Valid input, the common case, is
 * passed through without a copy. A sequence split across fragments of one message is held back until it
 * completes.
 */
public final class Utf8Sanitizer {
    private static final long HIGH_BITS = 0x8080808080808080L;
    private static final byte[] REPLACEMENT = {(byte) 0xEF, (byte) 0xBF, (byte) 0xBD};

    private final Utf8Decoder state = new Utf8Decoder();
    /** An unfinished sequence: a lead byte and up to three continuation bytes. */
    private final byte[] held = new byte[4];
    private int heldLength;

    /**
     * Returns what of {@code in} can be sent now (ownership of {@code in} passes; the result may be
     * {@code in} itself).
     *
     * @param last whether this is the message's last fragment; an unfinished sequence is then replaced
     */
    public ByteBuf sanitize(ByteBuf in, boolean last, ByteBufAllocator alloc) {
        if (heldLength == 0) {
            int stop = scanValid(in);
            if (stop == in.writerIndex() && state.need == 0) {
                return in;
            }
            if (!last && isUnfinishedTail(in, stop)) {
                // Valid but for a sequence cut at the end: hold those bytes for the next fragment.
                for (int i = stop; i < in.writerIndex(); i++) {
                    held[heldLength++] = in.getByte(i);
                }
                in.writerIndex(stop);
                return in;
            }
            state.reset();
        }
        try {
            return rebuild(in, last, alloc);
        } finally {
            in.release();
        }
    }

    /**
     * Index of the first byte that does not belong to a complete, valid sequence (writerIndex when all do),
     * leaving the decoder state as it is at that point.
     */
    private int scanValid(ByteBuf in) {
        int i = in.readerIndex();
        int end = in.writerIndex();
        int seqStart = i;
        state.reset();
        while (i < end) {
            if (state.need == 0) {
                while (i + 8 <= end && (in.getLong(i) & HIGH_BITS) == 0) {
                    i += 8;
                }
                if (i >= end) {
                    break;
                }
                int b = in.getByte(i) & 0xff;
                if (b < 0x80) {
                    i++;
                    continue;
                }
                if (!state.lead(b)) {
                    return i;
                }
                seqStart = i++;
            } else {
                if (!state.continuation(in.getByte(i) & 0xff)) {
                    return seqStart;
                }
                i++;
            }
        }
        return state.need == 0 ? end : seqStart;
    }

    /** Whether everything from {@code from} to the end is the valid start of one unfinished sequence. */
    private boolean isUnfinishedTail(ByteBuf in, int from) {
        int length = in.writerIndex() - from;
        if (length <= 0 || length > 3) {
            return false;
        }
        Utf8Decoder probe = new Utf8Decoder();
        if (!probe.lead(in.getByte(from) & 0xff)) {
            return false;
        }
        for (int i = from + 1; i < in.writerIndex(); i++) {
            if (!probe.continuation(in.getByte(i) & 0xff)) {
                return false;
            }
        }
        if (probe.need == 0) {
            return false;
        }
        state.need = probe.need;
        state.lo = probe.lo;
        state.hi = probe.hi;
        return true;
    }

    /** The slow path: copy byte by byte, replacing what is ill-formed. */
    private ByteBuf rebuild(ByteBuf in, boolean last, ByteBufAllocator alloc) {
        ByteBuf out = alloc.buffer(in.readableBytes() + heldLength + 8);
        int i = in.readerIndex();
        int end = in.writerIndex();
        while (i < end) {
            int b = in.getByte(i) & 0xff;
            if (state.need == 0) {
                i++;
                if (b < 0x80) {
                    out.writeByte(b);
                } else if (state.lead(b)) {
                    held[0] = (byte) b;
                    heldLength = 1;
                } else {
                    out.writeBytes(REPLACEMENT);
                }
            } else if (state.continuation(b)) {
                i++;
                held[heldLength++] = (byte) b;
                if (state.need == 0) {
                    out.writeBytes(held, 0, heldLength);
                    heldLength = 0;
                }
            } else {
                // The sequence broke off: its valid prefix becomes one U+FFFD; b is looked at afresh.
                out.writeBytes(REPLACEMENT);
                heldLength = 0;
            }
        }
        if (last) {
            endOfMessage(out);
        }
        return out;
    }

    private void endOfMessage(ByteBuf out) {
        if (state.need != 0) {
            out.writeBytes(REPLACEMENT);
        }
        state.reset();
        heldLength = 0;
    }
}
