package io.wsbridge.session;

import io.netty.buffer.ByteBuf;

/**
 * The program end of a session, as the WebSocket sees it. Called on the connection's event loop.
 */
public interface Backend {
    /** A piece of a client message (ownership of {@code data} passes). */
    void messageChunk(ByteBuf data, boolean binary, boolean last);

    /** The end of one socket read's worth of messages: write them on. */
    void readComplete();

    /** The client's socket can take more again. */
    void clientWritable();

    /**
     * No more messages will be exchanged with the client (close handshake, protocol failure, connection
     * lost, or server shutdown). Called once.
     */
    void clientClosed(int code, String reason);
}
