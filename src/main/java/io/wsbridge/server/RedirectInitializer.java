package io.wsbridge.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.wsbridge.http.MainPortRedirect;
import io.wsbridge.http.RequestIds;

/**
 * The pipeline of a --redirport connection: plain HTTP (never TLS), every request answered with a 301 to
 * the main port.
 *
 * <pre>
 *   http-idle    ReadTimeoutHandler   an idle connection is closed
 *   http-codec   HttpServerCodec      bytes <-> HTTP
 *   redirect     MainPortRedirect     301 to scheme://host:port/path?query of the main listener
 * </pre>
 */
final class RedirectInitializer extends ChannelInitializer<Channel> {
    private static final int IDLE_SECONDS = 60;

    private final ChannelGroup connections;
    private final boolean tls;
    private final int mainPort;
    private final RequestIds ids = new RequestIds();

    private RedirectInitializer(ChannelGroup connections, boolean tls, int mainPort) {
        this.connections = connections;
        this.tls = tls;
        this.mainPort = mainPort;
    }

    /** A bootstrap for a --redirport listener redirecting to {@code mainPort} (https with {@code tls}). */
    static ServerBootstrap bootstrap(Transport transport, EventLoopGroup acceptors, EventLoopGroup loops, ByteBufAllocator alloc,
                                     ChannelGroup connections, boolean tls, int mainPort) {
        return new ServerBootstrap()
                .group(acceptors, loops)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.ALLOCATOR, alloc)
                .childHandler(new RedirectInitializer(connections, tls, mainPort));
    }

    @Override
    protected void initChannel(Channel ch) {
        connections.add(ch);
        ch.pipeline()
                .addLast("http-idle", new ReadTimeoutHandler(IDLE_SECONDS))
                .addLast("http-codec", new HttpServerCodec(8192, 16384, 8192))
                .addLast("redirect", new MainPortRedirect(tls, mainPort, ids));
    }
}
