package io.wsbridge.framing;

import io.netty.buffer.ByteBuf;
import java.util.function.Consumer;

/** --binary: binary messages go to stdin as they are, without boundaries; text messages are ignored. */
final class RawInput implements InputFramer {
    static final RawInput INSTANCE = new RawInput();

    @Override
    public boolean accepts(boolean binary) {
        return binary;
    }

    @Override
    public void frame(ByteBuf data, boolean binary, boolean last, Consumer<ByteBuf> stdin) {
        stdin.accept(data);
    }

    @Override
    public void discard() {
        // nothing is held back
    }
}
