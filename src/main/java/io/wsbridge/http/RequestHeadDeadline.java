package io.wsbridge.http;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import io.wsbridge.logging.LogScope;
import java.util.concurrent.TimeUnit;

/**
 * --headertimeoutms: a whole request head must arrive within the deadline, counted from the connection's start
 * and, on a kept-alive connection, from the first bytes after the previous response. The idle timer in front
 * restarts on every byte, so without this a client sending one header byte a second holds its connection for
 * ever (Go's ReadHeaderTimeout, which websocketd 0.5 sets, closes that hole the same way). Time is up: 408
 * and close.
 *
 * <p>Sits right behind the HTTP codec: it sees each request once its head is complete, and every read
 * (channelReadComplete), even one that completed nothing.
 */
public final class RequestHeadDeadline extends ChannelDuplexHandler {
    private static final LogScope LOG = LogScope.of("http");

    private final long timeoutMs;
    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> timer;
    /** Requests whose head arrived and whose response has not been written to the end yet. */
    private int outstanding;

    public RequestHeadDeadline(long timeoutMs) {
        this.timeoutMs = timeoutMs;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        if (ctx.channel().isActive()) {
            arm();
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        arm();
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest) {
            outstanding++;
            disarm();
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (outstanding == 0) {
            arm(); // bytes of the next head (if they were a whole head, channelRead came first)
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!(msg instanceof LastHttpContent) || isInterim(msg)) {
            ctx.write(msg, promise);
            return;
        }
        ChannelPromise done = promise.unvoid();
        ctx.write(msg, done);
        done.addListener(f -> {
            if (outstanding > 0) {
                outstanding--;
            }
        });
    }

    private static boolean isInterim(Object msg) {
        return msg instanceof HttpResponse r && r.status().codeClass() == HttpStatusClass.INFORMATIONAL
                && r.status().code() != 101;
    }

    private void arm() {
        if (timer == null && !ctx.isRemoved()) {
            timer = ctx.executor().schedule(this::expired, timeoutMs, TimeUnit.MILLISECONDS);
        }
    }

    private void disarm() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void expired() {
        timer = null;
        if (ctx.isRemoved() || outstanding > 0 || !ctx.channel().isActive()) {
            return;
        }
        LOG.with("remote", ctx.channel().remoteAddress()).debug("No complete request head within {} ms: 408",
                timeoutMs);
        FullHttpResponse r = HttpResponses.text(HttpResponseStatus.REQUEST_TIMEOUT, "408 Request Timeout");
        r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
        // A client that does not read either: the 408 may never be written out, the connection goes anyway.
        ctx.executor().schedule(() -> {
            ctx.channel().close();
        }, 1, TimeUnit.SECONDS);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        disarm();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        disarm();
        ctx.fireChannelInactive();
    }
}
