package io.wsbridge.session;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;
import io.wsbridge.framing.MessageSink;

/**
 * The WebSocket end of a session, as a backend sees it. All methods are called on {@link #eventLoop()}.
 * Fragments sent through {@link MessageSink} are written in order and go out on {@link #flush()}.
 */
public interface ClientEndpoint extends MessageSink {
    EventLoop eventLoop();

    ByteBufAllocator alloc();

    void flush();

    /** False while the socket's outbound buffer is above its high-water mark: stop producing. */
    boolean isWritable();

    /** Stops reading the client's socket (its messages back up into TCP); used when the backend is full. */
    void pauseReading();

    void resumeReading();

    /** Ends the session from our side: close frame after what was already sent, then the connection. */
    void close(int code, String reason);
}
