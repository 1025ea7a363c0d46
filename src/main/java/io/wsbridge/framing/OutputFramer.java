package io.wsbridge.framing;

import io.netty.buffer.ByteBuf;

/** Cuts a program's output stream into WebSocket messages (lines, or binary chunks). */
public interface OutputFramer {
    /** Frames one chunk of output (ownership passes). */
    void frame(ByteBuf chunk, MessageSink sink);

    /** The output ended: deliver whatever is held (e.g. a last line without a newline). */
    void finish(MessageSink sink);

    /** Drops whatever is held, without sending it. */
    void discard();
}
