package io.wsbridge.server;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.wsbridge.logging.LogScope;
import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * On a listener, in front of Netty's acceptor: an accept that fails (EMFILE, ENFILE, ENOBUFS) pauses accepting
 * for {@link #PAUSE_MS} ms instead of the acceptor's whole second, during which every client in the backlog
 * waits. Logged at most once a second.
 */
@ChannelHandler.Sharable
final class AcceptErrors extends ChannelInboundHandlerAdapter {
    private static final LogScope LOG = LogScope.of("server");
    static final long PAUSE_MS = 20;
    /** One for every listener (TCP, Unix socket, passed in by systemd): it only keeps when it last logged. */
    static final AcceptErrors INSTANCE = new AcceptErrors();
    private volatile long lastLogNanos = System.nanoTime() - TimeUnit.SECONDS.toNanos(2);

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!(cause instanceof IOException)) {
            ctx.fireExceptionCaught(cause);
            return;
        }
        long now = System.nanoTime();
        if (now - lastLogNanos > TimeUnit.SECONDS.toNanos(1)) {
            lastLogNanos = now;
            LOG.error("Cannot accept connections: {} (pausing {} ms)", cause.getMessage(), PAUSE_MS);
        }
        if (ctx.channel().config().isAutoRead()) {
            ctx.channel().config().setAutoRead(false);
            ctx.executor().schedule(() -> {
                ctx.channel().config().setAutoRead(true);
            }, PAUSE_MS, TimeUnit.MILLISECONDS);
        }
    }
}
