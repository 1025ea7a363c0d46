package io.wsbridge.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.wsbridge.logging.LogScope;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * On the listeners (TCP, Unix socket, passed in by systemd), in front of Netty's acceptor; one for all of them,
 * since the open-files limit is the process's.
 *
 * <p>An accept that fails (EMFILE, ENFILE, ENOBUFS) pauses accepting for {@link #PAUSE_MS} ms instead of the
 * acceptor's whole second, during which every client in the backlog waits. Logged at most once a second.
 *
 * <p>So that it does not fail in the first place, at most {@code maxOpen} accepted sockets are open at once
 * (the descriptor budget's connections, plus {@link #OVER_BUDGET} that get the prompt 503 of
 * {@link Overloaded}); past that, the listeners stop accepting until one of them closes, and the next clients
 * wait in the backlog for as long as that takes. Listeners accept on a thread of their own, so a burst is
 * accepted as fast as it arrives: counting here, before the connections reach their loops, is what keeps it
 * within the limit.
 */
@ChannelHandler.Sharable
final class AcceptErrors extends ChannelInboundHandlerAdapter {
    private static final LogScope LOG = LogScope.of("server");
    static final long PAUSE_MS = 20;
    /** Connections over the budget answered at once (each holds a descriptor until it closes). */
    static final int OVER_BUDGET = 8;

    private final int maxOpen;
    private final AtomicInteger open = new AtomicInteger();
    private final Set<Channel> paused = ConcurrentHashMap.newKeySet();
    private volatile long lastLogNanos = System.nanoTime() - TimeUnit.SECONDS.toNanos(2);

    /** @param maxConnections the descriptor budget's connections; 0: no limit on accepted sockets */
    AcceptErrors(int maxConnections) {
        this.maxOpen = maxConnections > 0 ? maxConnections + OVER_BUDGET : 0;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (maxOpen > 0 && msg instanceof Channel accepted) {
            if (open.incrementAndGet() >= maxOpen) {
                pause(ctx.channel());
            }
            accepted.closeFuture().addListener(f -> {
                if (open.decrementAndGet() < maxOpen) {
                    resumeAll();
                }
            });
        }
        ctx.fireChannelRead(msg);
    }

    private void pause(Channel listener) {
        paused.add(listener);
        listener.config().setAutoRead(false);
        if (open.get() < maxOpen) {
            resumeAll(); // a close came in between, and saw nothing paused yet
        }
    }

    private void resumeAll() {
        for (Channel listener : paused) {
            if (paused.remove(listener)) {
                listener.config().setAutoRead(true);
            }
        }
    }

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
        Channel listener = ctx.channel();
        if (listener.config().isAutoRead()) {
            listener.config().setAutoRead(false);
            ctx.executor().schedule(() -> {
                if (maxOpen == 0 || open.get() < maxOpen) {
                    listener.config().setAutoRead(true);
                } else {
                    pause(listener); // full: the next close resumes it
                }
            }, PAUSE_MS, TimeUnit.MILLISECONDS);
        }
    }
}
