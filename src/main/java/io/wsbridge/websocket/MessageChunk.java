package io.wsbridge.websocket;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;

/**
 * A piece of a client's data message, as it arrived: frames are not held until complete, so a message of
 * any size passes with bounded memory. Control frames are not chunks; they arrive whole as Netty's
 * {@code CloseWebSocketFrame}, {@code PingWebSocketFrame} and {@code PongWebSocketFrame}.
 */
public final class MessageChunk extends DefaultByteBufHolder {
    private final boolean binary;
    private final boolean last;
    private final boolean compressed;

    /**
     * @param binary whether the message is binary (as opposed to text)
     * @param last   whether this is the message's last piece
     */
    public MessageChunk(ByteBuf data, boolean binary, boolean last) {
        this(data, binary, last, false);
    }

    /** @param compressed whether the message is compressed (permessage-deflate, RSV1 on its first frame) */
    public MessageChunk(ByteBuf data, boolean binary, boolean last, boolean compressed) {
        super(data);
        this.binary = binary;
        this.last = last;
        this.compressed = compressed;
    }

    public boolean compressed() {
        return compressed;
    }

    public boolean binary() {
        return binary;
    }

    public boolean last() {
        return last;
    }
}
