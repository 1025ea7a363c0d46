package io.wsbridge.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameEncoder;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.wsbridge.http.HttpEndpoint;
import io.wsbridge.http.HttpRequestRouter;
import io.wsbridge.http.RequestIds;
import io.wsbridge.http.TrustedProxies;
import io.wsbridge.session.BackendFactory;
import io.wsbridge.websocket.CloseHandshake;
import io.wsbridge.websocket.MessageSizeLimit;
import io.wsbridge.websocket.SessionBridge;
import io.wsbridge.websocket.StreamingFrameDecoder;
import io.wsbridge.websocket.TextMessageValidator;
import io.wsbridge.websocket.WebSocketUpgrade;
import java.util.List;

/**
 * The whole life of a connection, top-down, as its pipeline.
 *
 * <pre>
 * Every connection starts as HTTP:
 *   http-idle    ReadTimeoutHandler       an HTTP connection that sends nothing for a while is closed
 *   http-codec   HttpServerCodec          bytes  <-> HTTP requests and responses
 *   router       HttpRequestRouter        Upgrade: websocket -> WebSocketUpgrade (101, or 4xx refusal);
 *                                         anything else -> plain endpoints, else 404
 * After a successful upgrade (toWebSocket):
 *   ws-encoder   WebSocket08FrameEncoder  our frames -> bytes
 *   ws-decoder   StreamingFrameDecoder    bytes -> message chunks as they arrive, whole control frames (1002)
 *   ws-size      MessageSizeLimit         --maxframesize per whole message (1009)
 *   ws-utf8      TextMessageValidator     text messages must be UTF-8 (1007)
 *   ws-close     CloseHandshake           ping/pong, the closing handshake both ways, failures -> close frame
 *   ws-session   SessionBridge            message chunks <-> the backend (a child process per connection)
 * </pre>
 */
final class ServerInitializer extends ChannelInitializer<Channel> {
    private static final int MAX_INITIAL_LINE = 8192;
    private static final int MAX_HEADER_SIZE = 16384;
    private static final int HTTP_IDLE_SECONDS = 60;

    private final ChannelGroup connections;
    private final HttpRequestRouter.UpgradeHandler upgrades;
    private final List<HttpEndpoint> endpoints;
    private final RequestIds ids = new RequestIds();
    private final long maxMessageSize;
    private final TrustedProxies proxies;

    ServerInitializer(ChannelGroup connections, BackendFactory backends, List<HttpEndpoint> endpoints,
                      long maxMessageSize, TrustedProxies proxies) {
        this.connections = connections;
        this.upgrades = new WebSocketUpgrade(backends, this::toWebSocket);
        this.endpoints = List.copyOf(endpoints);
        this.maxMessageSize = maxMessageSize;
        this.proxies = proxies;
    }

    @Override
    protected void initChannel(Channel ch) {
        connections.add(ch);
        ChannelPipeline p = ch.pipeline();
        p.addLast("http-idle", new ReadTimeoutHandler(HTTP_IDLE_SECONDS));
        p.addLast("http-codec", new HttpServerCodec(MAX_INITIAL_LINE, MAX_HEADER_SIZE, 8192));
        p.addLast("router", new HttpRequestRouter(upgrades, endpoints, ids, false, proxies));
    }

    /** Swaps the HTTP handlers for the WebSocket ones, right after the 101 response was written. */
    private void toWebSocket(ChannelPipeline p, CloseHandshake closing, SessionBridge bridge) {
        p.addAfter("router", "ws-encoder", new WebSocket08FrameEncoder(false));
        p.addAfter("ws-encoder", "ws-decoder", new StreamingFrameDecoder());
        String last = "ws-decoder";
        if (maxMessageSize > 0) {
            p.addAfter(last, "ws-size", new MessageSizeLimit(maxMessageSize));
            last = "ws-size";
        }
        p.addAfter(last, "ws-utf8", new TextMessageValidator());
        p.addAfter("ws-utf8", "ws-close", closing);
        p.addAfter("ws-close", "ws-session", bridge);
        p.remove("router");
        p.remove("http-idle");
        // Removed last: bytes it already read past the request reach ws-decoder.
        p.remove("http-codec");
    }
}
