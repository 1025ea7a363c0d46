package io.wsbridge.websocket;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import io.wsbridge.http.Refusal;
import io.wsbridge.session.ClientEndpoint;
import io.wsbridge.session.ClientEvents;
import io.wsbridge.session.SessionStrategy;
import io.wsbridge.session.CloseCodes;
import io.wsbridge.logging.LogScope;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/**
 * The last handler of an upgraded connection: the WebSocket as a session's {@link ClientEndpoint}. It joins the
 * pipeline with the upgrade, before the 101: the session starts at once and lets the client in (101, through
 * the {@link PendingUpgrade}) when what serves it runs, or refuses it (503). Then client message chunks go to
 * the session; the session's fragments become frames; socket writability and read pausing are passed through
 * for backpressure; the end of the connection, however it happens, reaches the session once, unless the
 * session itself asked for it.
 */
public final class SessionBridge extends ChannelInboundHandlerAdapter implements ClientEndpoint {
    private static final LogScope LOG = LogScope.of("websocket");

    private final SessionStrategy.PreparedSession prepared;
    private final CloseHandshake closing;
    private ChannelHandlerContext ctx;
    private ClientEvents session;
    /** Until the client is let in or refused; null after. */
    private PendingUpgrade pending;
    /** The session let the client in while it was being started: done as soon as it exists. */
    private boolean openAsked;
    private boolean closedBeforeStart;
    /** The session knows the WebSocket is over: it asked for the close, or it was told. */
    private boolean sessionKnows;

    public SessionBridge(SessionStrategy.PreparedSession prepared, CloseHandshake closing) {
        this.prepared = prepared;
        this.closing = closing;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /** Starts the session, before the 101, which {@code pending} writes when the session lets the client in. */
    void start(PendingUpgrade pending) {
        this.pending = pending;
        session = prepared.start(this);
        if (openAsked) {
            openAsked = false;
            open();
        }
        if (closedBeforeStart || !ctx.channel().isActive()) {
            notifyClosed(CloseCodes.GOING_AWAY, "connection lost");
        }
    }

    @Override
    public void open() {
        if (pending == null) {
            return; // let in already, or refused
        }
        if (session == null) {
            openAsked = true; // its messages must find the session
            return;
        }
        takePending().complete();
    }

    /** Server shutdown: 1001 to the client, or 503 before its 101 (the session hears of it and winds down). */
    public void shutdown() {
        if (pending != null) {
            notifyClosed(CloseCodes.GOING_AWAY, "server shutting down");
            refuse("server shutting down");
        } else if (closing.isOpen()) {
            closing.close(CloseCodes.GOING_AWAY, "server shutting down");
        } else {
            notifyClosed(CloseCodes.GOING_AWAY, "server shutting down");
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof MessageChunk chunk && session != null) {
            session.clientMessage(chunk.content(), chunk.binary(), chunk.last());
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (session != null) {
            session.clientReadComplete();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable() && session != null) {
            session.clientWritable();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ClosingStarted closed) {
            notifyClosed(closed.code(), closed.reason());
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        notifyClosed(1006, "connection lost");
    }

    /**
     * Whatever reaches the end of the pipeline ends the connection. A lost peer (an I/O error, also one Netty
     * wraps, such as epoll no longer watching a socket whose client half-closed while we were not reading) is
     * routine; anything else is a fault of ours, logged with its cause so that it does not pass as a client
     * that went away.
     */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LogScope log = LOG.with("remote", ctx.channel().remoteAddress());
        if (cause instanceof IOException || cause instanceof UncheckedIOException) {
            log.debug("Connection closed: {}", cause.toString());
        } else {
            log.error("Connection closed on an internal error: {}", cause.toString());
            if (log.debugEnabled()) {
                StringWriter trace = new StringWriter();
                cause.printStackTrace(new PrintWriter(trace));
                log.debug("{}", trace);
            }
        }
        ctx.close();
    }

    /** Every way the connection can end reports here; the session hears of the first, if it did not ask. */
    private void notifyClosed(int code, String reason) {
        if (sessionKnows) {
            return;
        }
        if (session == null) {
            closedBeforeStart = true; // reported once the session exists
            return;
        }
        sessionKnows = true;
        session.clientClosed(code, reason);
    }

    // ---- ClientEndpoint ----

    @Override
    public void fragment(ByteBuf payload, boolean binary, boolean first, boolean last) {
        if (pending != null) {
            payload.release(); // not a WebSocket yet: a session sends nothing before it lets the client in
            return;
        }
        WebSocketFrame frame;
        if (!first) {
            frame = new ContinuationWebSocketFrame(last, 0, payload);
        } else if (binary) {
            frame = new BinaryWebSocketFrame(last, 0, payload);
        } else {
            frame = new TextWebSocketFrame(last, 0, payload);
        }
        ctx.write(frame, ctx.voidPromise());
    }

    @Override
    public void writeFrames(ByteBuf frames) {
        if (closing.isOpen() && pending == null) {
            ctx.write(frames, ctx.voidPromise()); // passes the frame encoder untouched: it encodes frames only
        } else {
            frames.release();
        }
    }

    @Override
    public EventLoop eventLoop() {
        return ctx.channel().eventLoop();
    }

    @Override
    public ByteBufAllocator alloc() {
        return ctx.alloc();
    }

    @Override
    public void flush() {
        ctx.flush();
    }

    @Override
    public boolean isWritable() {
        return ctx.channel().isWritable();
    }

    @Override
    public void pauseReading() {
        ctx.channel().config().setAutoRead(false);
    }

    @Override
    public void resumeReading() {
        ctx.channel().config().setAutoRead(true);
    }

    @Override
    public void close(int code, String reason) {
        sessionKnows = true; // its own close is not echoed back to it
        if (pending != null) {
            refuse(reason);
        } else {
            closing.close(code, reason);
        }
    }

    @Override
    public void refuse(Refusal refusal) {
        if (pending == null) {
            return; // let in already, or refused
        }
        sessionKnows = true; // its own refusal is not echoed back to it
        takePending().refuse(refusal);
    }

    /** No WebSocket after all: 503 with the reason instead of the 101. */
    private void refuse(String reason) {
        takePending().refuse(reason);
    }

    /** The pending upgrade, to be decided now (101 or refusal): once, so the bridge lets go of it. */
    private PendingUpgrade takePending() {
        PendingUpgrade p = pending;
        pending = null;
        openAsked = false;
        return p;
    }
}
