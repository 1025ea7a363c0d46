package io.wsbridge.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoop;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.wsbridge.http.CgiEnvironment;
import io.wsbridge.logging.LogScope;
import io.wsbridge.process.ForkLimiter;
import io.wsbridge.process.OffLoopLauncher;
import io.wsbridge.process.epoll.LocalSocketPair;
import io.wsbridge.process.epoll.LoopbackStarter;
import io.wsbridge.session.LaunchTarget;
import io.wsbridge.session.ProcessPerConnection;
import io.wsbridge.session.SessionStrategy;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * The rehearsal's second part: synthetic clients over a socketpair(2) served on the server's own epoll loops, so
 * the real socket's read and write paths (which an {@code EmbeddedChannel} does not run) are compiled before the
 * first clients too. Nothing listens: the pair exists in this process only. Every wait is bounded; a client that
 * does not get its answer in time ends the rehearsal.
 */
final class SocketRehearsal {
    /** The longest wait for one answer; a rehearsal that waits longer is not worth finishing. */
    private static final long ANSWER_NANOS = 1_000_000_000L;
    private static final long POLL_NANOS = 20_000L;

    /** A synthetic client's script: it hands each of its sends to the wire, and stops when one is not answered. */
    interface Script {
        boolean play(SyntheticWarmup.Wire wire);
    }

    private final EventLoopGroup loops;
    private final ChannelHandler serverPipeline;
    private final ByteBufAllocator alloc;
    /** Bytes the synthetic clients got back, all connections together (for tests). */
    private volatile long answered;

    private SocketRehearsal(EventLoopGroup loops, ChannelHandler serverPipeline, ByteBufAllocator alloc) {
        this.loops = loops;
        this.serverPipeline = serverPipeline;
        this.alloc = alloc;
    }

    /** A rehearsal on {@code loops}, or null when they are not epoll loops or socketpair is not available. */
    static SocketRehearsal on(EventLoopGroup loops, ChannelHandler serverPipeline, ByteBufAllocator alloc) {
        if (loops == null || !(loops.next() instanceof IoEventLoop loop) || !loop.isCompatible(EpollIoHandle.class)
                || !LocalSocketPair.available()) {
            return null;
        }
        return new SocketRehearsal(loops, serverPipeline, alloc);
    }

    /**
     * Sessions of the server's own kind (one program per connection: session, program endpoint, its life cycle,
     * the launcher's hand-over to the loop, the pipe code on the loop) whose "program" is a pipe that gives back
     * what is written to it ({@link LoopbackStarter}): nothing is executed. Their lines go nowhere; their fork
     * slots are their own. The process is "made" on the loop itself, not on a spawner thread (making two pipes
     * does not block). Null when the native binding is not available.
     */
    static SessionStrategy loopbackSessions(ProcessPerConnection.Settings settings, CgiEnvironment environment,
                                            ByteBufAllocator alloc) {
        LoopbackStarter starter = LoopbackStarter.create(alloc);
        if (starter == null) {
            return null;
        }
        LaunchTarget target = new LaunchTarget("warm-up", Path.of("/"), List.of(), "/warmup", "");
        return new ProcessPerConnection(request -> target, new OffLoopLauncher(() -> starter,
                ImmediateEventExecutor.INSTANCE), environment, new ForkLimiter(SyntheticWarmup.SOCKET_CONNECTIONS),
                settings, null, LogScope.silent());
    }

    /**
     * One synthetic client playing {@code script} over a new socket pair, each send waiting for an answer; at
     * the end (its close frame) it waits for the server to end the connection. False when an answer did not come
     * in time.
     */
    boolean connection(Script script, BooleanSupplier stop) throws IOException {
        int[] pair = LocalSocketPair.open();
        EpollDomainSocketChannel server = new EpollDomainSocketChannel(pair[0], true);
        EpollDomainSocketChannel client = new EpollDomainSocketChannel(pair[1], true);
        Received received = new Received();
        try {
            server.config().setAllocator(alloc);
            client.config().setAllocator(alloc);
            server.pipeline().addLast(serverPipeline);
            client.pipeline().addLast(received);
            return done(loops.next().register(server)) && done(loops.next().register(client))
                    && script.play(data -> send(client, data, received, stop)) && done(client.closeFuture());
        } finally {
            done(client.close()); // awaited: its buffers are given back before the next client
            done(server.close());
            answered += received.bytes; // one rehearsal thread
        }
    }

    long answeredBytes() {
        return answered;
    }

    /** Sends one buffer and waits until some answer has come back. */
    private static boolean send(Channel client, ByteBuf data, Received received, BooleanSupplier stop) {
        long before = received.bytes;
        client.writeAndFlush(data);
        long deadline = System.nanoTime() + ANSWER_NANOS;
        while (received.bytes == before) {
            if (stop.getAsBoolean() || System.nanoTime() - deadline > 0 || !client.isActive()) {
                return false;
            }
            LockSupport.parkNanos(POLL_NANOS); // a bounded wait for the loop's answer, not a hand-off
        }
        return true;
    }

    private static boolean done(Future<?> f) {
        return f.awaitUninterruptibly(ANSWER_NANOS, TimeUnit.NANOSECONDS) && f.isSuccess();
    }

    /** The client's side: counts what arrives and lets it go. */
    private static final class Received extends ChannelInboundHandlerAdapter {
        private volatile long bytes;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof ByteBuf b) {
                bytes += b.readableBytes(); // only the client's loop writes it
            }
            ReferenceCountUtil.release(msg);
        }
    }
}
