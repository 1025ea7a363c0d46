package io.wsbridge.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;
import io.wsbridge.framing.MessageSink;
import io.wsbridge.http.Refusal;

/**
 * The client side of a session (a WebSocket connection), as the session sees it: let it in once what serves
 * it runs ({@link #open()}), deliver a message (as fragments, through {@link MessageSink}, sent on
 * {@link #flush()}), pause and resume reading it, and close it with a code and a reason. Its events come back
 * through {@link ClientEvents}. All methods are called on {@link #eventLoop()}.
 */
public interface ClientEndpoint extends MessageSink {
    EventLoop eventLoop();

    ByteBufAllocator alloc();

    void flush();

    /**
     * Writes messages already encoded as WebSocket frames (ownership passes): a room encodes what it sends to
     * all its clients once, and each gets a duplicate of the same bytes. Sent on {@link #flush()}; dropped once
     * the closing handshake has begun.
     */
    void writeFrames(ByteBuf frames);

    /** False while the socket's outbound buffer is above its high-water mark: stop producing. */
    boolean isWritable();

    /** Stops reading the client's socket (its messages back up into TCP); used when the program is full. */
    void pauseReading();

    void resumeReading();

    /**
     * What serves the client runs (its program was started): the handshake completes (101) and the client's
     * messages begin to flow, those it sent with its request first. Nothing is sent to the client before.
     * Idempotent.
     */
    void open();

    /**
     * Ends the session from our side: close frame after what was already sent, then the connection. Before
     * {@link #open()} there is no WebSocket yet: the upgrade is refused instead (503 with the reason), so a
     * program that could not start leaves the client a plain HTTP error. The session is not told back
     * ({@link ClientEvents#clientClosed} does not follow).
     */
    void close(int code, String reason);

    /**
     * Before {@link #open()}: no WebSocket after all, the upgrade is refused with this HTTP status and reason (a
     * room full across the instances: 429), as when the strategy refuses it at once; for an answer the session
     * had to wait for. The session is not told back. Nothing happens once the client was let in or refused.
     */
    void refuse(Refusal refusal);
}
