package io.wsbridge.framing;

import io.netty.buffer.ByteBuf;

/** --binary: every chunk the program wrote, as read, becomes one binary message (as websocketd does). */
public final class BinaryFramer implements OutputFramer {
    @Override
    public void frame(ByteBuf chunk, MessageSink sink) {
        sink.fragment(chunk, true, true, true);
    }

    @Override
    public void finish(MessageSink sink) {
        // nothing is ever held back
    }

    @Override
    public void discard() {
        // nothing is ever held back
    }
}
