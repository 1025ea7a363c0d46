package io.wsbridge.session;

import io.netty.buffer.ByteBuf;

/**
 * What a client tells its session (the other half of {@link ClientEndpoint}). Called on the connection's event
 * loop.
 */
public interface ClientEvents {
    /** A piece of a client message (ownership of {@code data} passes). */
    void clientMessage(ByteBuf data, boolean binary, boolean last);

    /** The end of one socket read's worth of messages: write them on. */
    void clientReadComplete();

    /** The client's socket can take more again. */
    void clientWritable();

    /**
     * No more messages will be exchanged with the client: it sent a close frame, broke the protocol, lost its
     * connection, or the server is shutting down. Called at most once, and never for a close the session
     * itself asked for with {@link ClientEndpoint#close}.
     */
    void clientClosed(int code, String reason);
}
