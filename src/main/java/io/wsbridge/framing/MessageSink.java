package io.wsbridge.framing;

import io.netty.buffer.ByteBuf;

/** Where framed output goes: one WebSocket message as one or more fragments. */
public interface MessageSink {
    /**
     * Sends a fragment (ownership of {@code payload} passes).
     *
     * @param binary whether the message is binary (only looked at on the first fragment)
     * @param first  first fragment of a message
     * @param last   last fragment of the message
     */
    void fragment(ByteBuf payload, boolean binary, boolean first, boolean last);
}
