package io.wsbridge.framing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.function.Consumer;

/**
 * --framing=lengthprefixed, client to program: each message becomes a 4-byte big-endian header (bit 31 set
 * for binary, bits 0-30 the length) and its payload. The header needs the length before the payload, so a
 * message that arrives in one piece goes straight on, and one that arrives in pieces (fragmented, or split
 * across socket reads) is held until its end: at most --maxframesize bytes, which the configuration caps at
 * 2^31-1 in this mode.
 */
final class LengthPrefixedInput implements InputFramer {
    private final ByteBufAllocator alloc;
    /** The message so far, when it came in more than one piece. */
    private ByteBuf held;

    LengthPrefixedInput(ByteBufAllocator alloc) {
        this.alloc = alloc;
    }

    @Override
    public boolean accepts(boolean binary) {
        return true;
    }

    @Override
    public void frame(ByteBuf data, boolean binary, boolean last, Consumer<ByteBuf> stdin) {
        if (held == null && last) {
            stdin.accept(header(data.readableBytes(), binary));
            stdin.accept(data);
            return;
        }
        if (held == null) {
            held = alloc.buffer(Math.max(256, data.readableBytes() * 2));
        }
        held.writeBytes(data);
        data.release();
        if (last) {
            ByteBuf message = held;
            held = null;
            stdin.accept(header(message.readableBytes(), binary));
            stdin.accept(message);
        }
    }

    private ByteBuf header(int length, boolean binary) {
        return alloc.buffer(4, 4).writeInt(binary ? length | 0x8000_0000 : length);
    }

    @Override
    public void discard() {
        if (held != null) {
            held.release();
            held = null;
        }
    }
}
