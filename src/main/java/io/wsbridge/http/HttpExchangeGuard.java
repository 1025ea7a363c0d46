package io.wsbridge.http;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * One HTTP exchange at a time on a connection, and no connection idle for ever.
 *
 * <p>Order: HTTP/1.1 lets a client send its next request before the previous answer (pipelining). A CGI
 * script answers later, from its output, so the answer to a following request (a static file, a 404) could
 * overtake it. So a request that arrives while the previous response is unfinished is held back, and reading
 * stops, until that response's last part has been written out; then the held messages go on in order. A client
 * that piles up more than {@link #MAX_HELD} messages meanwhile is disconnected.
 *
 * <p>Idleness: an {@link IdleStateEvent} (from the IdleStateHandler in front, which counts reads and write
 * progress) closes the connection, unless the request has fully arrived and its response is being waited for
 * with nothing left unsent: a CGI script may think for as long as it likes, but a client that stops sending
 * its request, stops reading its response, or keeps an idle connection open is let go.
 */
public final class HttpExchangeGuard extends ChannelDuplexHandler {
    static final int MAX_HELD = 64;

    private final ArrayDeque<Object> held = new ArrayDeque<>();
    /** A request went on and the last part of its response has not been written yet. */
    private boolean responding;
    /** The body of the last request that went on has fully arrived. */
    private boolean requestComplete = true;
    private boolean readingPaused;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!held.isEmpty() || (responding && msg instanceof HttpRequest)) {
            hold(ctx, msg);
            return;
        }
        pass(ctx, msg);
    }

    private void pass(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest) {
            responding = true;
            requestComplete = false;
        }
        if (msg instanceof LastHttpContent) {
            requestComplete = true;
        }
        ctx.fireChannelRead(msg);
    }

    private void hold(ChannelHandlerContext ctx, Object msg) {
        if (held.size() >= MAX_HELD) {
            ReferenceCountUtil.release(msg);
            ctx.close();
            return;
        }
        held.add(msg);
        if (ctx.channel().config().isAutoRead()) {
            ctx.channel().config().setAutoRead(false);
            readingPaused = true;
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!(msg instanceof LastHttpContent) || isInterim(msg) || !responding) {
            ctx.write(msg, promise);
            return;
        }
        // The response ends once its last part is on the wire (or the write failed): everything queued before
        // it, a file being streamed included, has then left, so the next exchange starts on a clean slate.
        ChannelPromise done = promise.unvoid();
        ctx.write(msg, done);
        done.addListener(f -> responseWritten(ctx));
    }

    private void responseWritten(ChannelHandlerContext ctx) {
        responding = false;
        release(ctx);
    }

    /** 100 Continue and friends come before the real response (101 is the end of HTTP). */
    private static boolean isInterim(Object msg) {
        if (msg instanceof HttpResponse r) {
            HttpResponseStatus s = r.status();
            return s.codeClass() == HttpStatusClass.INFORMATIONAL && s.code() != 101;
        }
        return false;
    }

    private void release(ChannelHandlerContext ctx) {
        if (ctx.isRemoved()) {
            return;
        }
        boolean passed = false;
        while (!held.isEmpty() && !(responding && held.peek() instanceof HttpRequest)) {
            pass(ctx, held.poll());
            passed = true;
        }
        if (passed) {
            ctx.fireChannelReadComplete();
        }
        if (held.isEmpty() && readingPaused) {
            readingPaused = false;
            ctx.channel().config().setAutoRead(true);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            if (!waitingForBackend(ctx)) {
                ctx.close();
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    private boolean waitingForBackend(ChannelHandlerContext ctx) {
        if (!responding || !requestComplete) {
            return false;
        }
        ChannelOutboundBuffer out = ctx.channel().unsafe().outboundBuffer();
        return out == null || out.totalPendingWriteBytes() == 0;
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        Object msg;
        while ((msg = held.poll()) != null) {
            ReferenceCountUtil.release(msg);
        }
        if (readingPaused) {
            readingPaused = false;
            ctx.channel().config().setAutoRead(true);
        }
    }
}
