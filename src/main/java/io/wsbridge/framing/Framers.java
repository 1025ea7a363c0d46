package io.wsbridge.framing;

import io.netty.buffer.ByteBufAllocator;

/** Picks the framers of a session, both directions, from the configuration. */
public final class Framers {
    private Framers() {
    }

    /**
     * @param binary     --binary: raw chunks both ways (then {@code framing} is LINES, the default)
     * @param maxMessage largest message a length-prefixed header may announce (--maxframesize, capped)
     */
    public static OutputFramer output(Framing framing, boolean binary, long maxMessage, ByteBufAllocator alloc) {
        if (binary) {
            return new BinaryFramer();
        }
        return switch (framing) {
            case LINES -> new LineFramer(alloc);
            case NUL -> LineFramer.nulTerminated(alloc);
            case LENGTH_PREFIXED -> new LengthPrefixedFramer(alloc, maxMessage);
        };
    }

    public static InputFramer input(Framing framing, boolean binary, ByteBufAllocator alloc) {
        if (binary) {
            return RawInput.INSTANCE;
        }
        return switch (framing) {
            case LINES -> DelimitedInput.LINES;
            case NUL -> DelimitedInput.NUL;
            case LENGTH_PREFIXED -> new LengthPrefixedInput(alloc);
        };
    }
}
