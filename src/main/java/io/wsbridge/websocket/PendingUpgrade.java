package io.wsbridge.websocket;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.wsbridge.http.AccessLog;
import io.wsbridge.http.HttpResponses;
import io.wsbridge.http.Refusal;
import io.wsbridge.http.RequestInfo;
import java.util.ArrayDeque;

/**
 * An accepted upgrade whose session is starting (its program being created): the 101 waits until the program
 * runs, so that a program that cannot start leaves the client a plain 503 naming the reason, not a 101 and
 * then a 1011 close. Meanwhile HTTP decoding has stopped and reading is paused; what the client sent past its
 * request (frames in the same segment as the upgrade: clients should not, but some do) is held here as bytes,
 * and reaches the frame decoder right after the switch, before anything read later. Nothing WebSocket happens
 * before the 101: a broken frame among those bytes is only seen once the client is let in.
 *
 * <p>The session decides, through its {@link SessionBridge}: {@link #complete()} or {@link #refuse}, at most one
 * of them, on the connection's event loop. It may take its time (a room's admission across instances waits for
 * Redis): nothing blocks meanwhile, the connection just stays here.
 */
final class PendingUpgrade extends ChannelInboundHandlerAdapter {
    /** Swaps the HTTP stages for the WebSocket ones, once the 101 has been written. */
    interface Switch {
        void toWebSocket();
    }

    /** The router's context: the 101 or the 503 still goes out through the HTTP stages and encoder. */
    private final ChannelHandlerContext http;
    private final HttpRequest request;
    private final RequestInfo info;
    private final FullHttpResponse switching;
    private final Switch toWebSocket;
    private final ArrayDeque<ByteBuf> held = new ArrayDeque<>();
    private ChannelHandlerContext ctx;
    private boolean decided;
    private boolean switched;

    PendingUpgrade(ChannelHandlerContext http, HttpRequest request, RequestInfo info, FullHttpResponse switching,
                   Switch toWebSocket) {
        this.http = http;
        this.request = request;
        this.info = info;
        this.switching = switching;
        this.toWebSocket = toWebSocket;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        ctx.channel().config().setAutoRead(false);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf bytes && !decided) {
            held.add(bytes);
            ctx.channel().config().setAutoRead(false); // one read's worth at most, whoever resumed reading
        } else if (msg instanceof ByteBuf bytes) {
            bytes.release(); // refused: the connection is closing
        } else {
            ctx.fireChannelRead(msg); // the end of the request (LastHttpContent), for the HTTP stages behind
        }
    }

    /** The program runs: 101, the switch to WebSocket, then what the client already sent. */
    void complete() {
        if (decided) {
            return;
        }
        decided = true;
        if (!ctx.channel().isActive()) {
            return; // the bridge hears of the lost connection and tells the session
        }
        http.writeAndFlush(switching);
        toWebSocket.toWebSocket();
        switched = true;
        ctx.channel().config().setAutoRead(true); // before the held bytes: the session may pause reading again
        ctx.pipeline().remove(this); // passes them on (handlerRemoved)
    }

    /** The program could not start (or the server is stopping): 503 with the reason, and the connection closes. */
    void refuse(String reason) {
        refuse(HttpResponseStatus.SERVICE_UNAVAILABLE, reason, "Service Unavailable: " + reason);
    }

    /** The session refused the client after a wait (a room full across the instances: 429), as the router would. */
    void refuse(Refusal refusal) {
        refuse(HttpResponseStatus.valueOf(refusal.status()), refusal.getMessage(), refusal.getMessage());
    }

    private void refuse(HttpResponseStatus status, String logged, String answer) {
        if (decided) {
            return;
        }
        decided = true;
        dropHeld();
        AccessLog.log(info, status.code(), "UPGRADE REFUSED: " + logged);
        HttpResponses.send(http, request, HttpResponses.text(status, status.code() + " " + answer), true);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        decided = true;
        if (!switched) {
            dropHeld(); // refused, or the connection went away first
            return;
        }
        if (held.isEmpty()) {
            return;
        }
        for (ByteBuf b; (b = held.poll()) != null; ) {
            ctx.fireChannelRead(b);
        }
        ctx.fireChannelReadComplete();
    }

    private void dropHeld() {
        for (ByteBuf b; (b = held.poll()) != null; ) {
            b.release();
        }
    }
}
