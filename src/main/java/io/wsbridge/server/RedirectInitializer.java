package io.wsbridge.server;

import io.netty.channel.Channel;
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

    RedirectInitializer(ChannelGroup connections, boolean tls, int mainPort) {
        this.connections = connections;
        this.tls = tls;
        this.mainPort = mainPort;
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
