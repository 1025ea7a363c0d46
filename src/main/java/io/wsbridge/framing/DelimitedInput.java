package io.wsbridge.framing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.function.Consumer;

/**
 * Text modes (lines, NUL): each text message goes to stdin as it arrives, followed by the delimiter once it
 * is complete. Binary messages are ignored, as websocketd does in text mode. Nothing is held back.
 */
final class DelimitedInput implements InputFramer {
    private final ByteBuf delimiter;

    private DelimitedInput(byte delimiter) {
        // Unreleasable and never modified, so one instance serves every connection (as a duplicate).
        this.delimiter = Unpooled.unreleasableBuffer(Unpooled.directBuffer(1, 1).writeByte(delimiter));
    }

    static final DelimitedInput LINES = new DelimitedInput((byte) '\n');
    static final DelimitedInput NUL = new DelimitedInput((byte) 0);

    @Override
    public boolean accepts(boolean binary) {
        return !binary;
    }

    @Override
    public void frame(ByteBuf data, boolean binary, boolean last, Consumer<ByteBuf> stdin) {
        stdin.accept(data);
        if (last) {
            stdin.accept(delimiter.duplicate());
        }
    }

    @Override
    public void discard() {
        // nothing is held back
    }
}
