package io.wsbridge.websocket;
import io.wsbridge.session.CloseCodes;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.util.concurrent.ScheduledFuture;
import io.wsbridge.logging.LogScope;
import java.util.concurrent.TimeUnit;

/**
 * --pingms=N: sends an empty ping every N ms, and gives up on a client when a ping has had no pong for 2N ms
 * (only pongs prove the client is there, not other messages, as websocketd counts). The 2N run from the oldest
 * ping not answered yet, not from the last pong: counted from the last pong (or the connection), the next ping
 * goes out N later and so had only N, not 2N, to be answered, and a client that answers every ping but is
 * descheduled for a little over N (a loaded machine, a GC pause) was dropped. A pong answers every ping before
 * it (the pings are empty, so which one it echoes cannot be told). Giving up means a close frame
 * 1001 ("going away": the peer is considered gone), the TCP connection closed at once, and the session's
 * normal ending (the program is asked to end with the kill ladder). While wsbridge itself is not reading
 * the client's socket (backpressure from a program that does not read its stdin) a pong cannot be seen,
 * so that time does not count.
 */
public final class KeepAlivePing extends ChannelInboundHandlerAdapter {
    private static final LogScope LOG = LogScope.of("websocket");

    private static final long NONE = Long.MIN_VALUE;

    private final long intervalMs;
    private final long timeoutNanos;
    private final CloseHandshake closing;
    private ChannelHandlerContext ctx;
    /** When the oldest ping without a pong after it was sent; {@link #NONE} when every ping was answered. */
    private long unansweredSinceNanos = NONE;
    private ScheduledFuture<?> pinger;
    private ScheduledFuture<?> deadline;

    public KeepAlivePing(long intervalMs, CloseHandshake closing) {
        this.intervalMs = intervalMs;
        this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(2 * intervalMs);
        this.closing = closing;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        pinger = ctx.executor().scheduleAtFixedRate(this::ping, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
    }

    private void ping() {
        if (closing.isOpen() && ctx.channel().isActive()) {
            if (unansweredSinceNanos == NONE) {
                unansweredSinceNanos = System.nanoTime();
                if (deadline == null) {
                    deadline = ctx.executor().schedule(this::checkDeadline, timeoutNanos, TimeUnit.NANOSECONDS);
                }
            }
            ctx.writeAndFlush(new PingWebSocketFrame(), ctx.voidPromise());
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof PongWebSocketFrame pong) {
            unansweredSinceNanos = NONE;
            pong.release();
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    private void checkDeadline() {
        deadline = null;
        if (!ctx.channel().isActive() || !closing.isOpen()) {
            return; // ending anyway: the closing handshake has its own timeout
        }
        if (unansweredSinceNanos == NONE) {
            return; // answered: the next ping starts the clock again
        }
        long now = System.nanoTime();
        if (!ctx.channel().config().isAutoRead()) {
            unansweredSinceNanos = now; // not reading: a pong could not be seen, so the clock stops
        }
        long left = unansweredSinceNanos + timeoutNanos - now;
        if (left > 0) {
            deadline = ctx.executor().schedule(this::checkDeadline, left, TimeUnit.NANOSECONDS);
            return;
        }
        stop();
        String reason = "no pong within " + 2 * intervalMs + " ms";
        LOG.with("remote", String.valueOf(ctx.channel().remoteAddress())).debug("Closing connection: {}", reason);
        closing.abort(CloseCodes.GOING_AWAY, reason);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        stop();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        stop();
    }

    private void stop() {
        if (pinger != null) {
            pinger.cancel(false);
            pinger = null;
        }
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }
}
