package io.wsbridge.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInboundHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameEncoder;
import io.netty.handler.timeout.IdleStateHandler;
import io.wsbridge.deflate.DeflateParameters;
import io.wsbridge.http.HttpEndpoint;
import io.wsbridge.http.HttpExchangeGuard;
import io.wsbridge.http.HttpRequestRouter;
import io.wsbridge.http.RequestHeadDeadline;
import io.wsbridge.http.RequestIds;
import io.wsbridge.http.ResponseHeaders;
import io.wsbridge.http.TrustedProxies;
import io.wsbridge.metrics.PipelineProbes;
import io.wsbridge.session.SessionStrategy;
import io.wsbridge.websocket.CloseHandshake;
import io.wsbridge.websocket.KeepAlivePing;
import io.wsbridge.websocket.MessageSizeLimit;
import io.wsbridge.websocket.PerMessageDeflate;
import io.wsbridge.websocket.SessionBridge;
import io.wsbridge.websocket.StreamingFrameDecoder;
import io.wsbridge.websocket.Subprotocols;
import io.wsbridge.websocket.TextMessageValidator;
import io.wsbridge.websocket.UpgradePolicy;
import io.wsbridge.websocket.WebSocketUpgrade;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The whole life of a connection, top-down, as its pipeline.
 *
 * <pre>
 * On a listener (TCP, Unix socket, and those systemd passes in), in front of Netty's acceptor, on the acceptor
 * thread (never on a connection's loop: see WsbridgeServer.acceptors):
 *   accept-errors AcceptErrors            a failed accept (EMFILE) pauses accepting for 20 ms, not a second; at
 *                                         most the budget's connections + 8 sockets open, then accepting waits
 * A connection over the open-files budget (DescriptorBudget) gets only:
 *   overloaded   Overloaded               503 at once, FIN, close
 * With --ssl, TLS comes first on every connection (of the main listeners, TCP and Unix socket):
 *   tls          SslHandler               bytes <-> TLS records (JDK engine, TLS 1.2+, --sslca: client certs)
 *   tls-log      HandshakeFailureLog      logs a failed handshake; removed once the handshake is done
 * Every connection starts as HTTP:
 *   http-idle    IdleStateHandler         notices a connection without reads or write progress for a while
 *   http-codec   HttpServerCodec          bytes  <-> HTTP requests and responses
 *   http-head-deadline RequestHeadDeadline --headertimeoutms for each whole request head, from the connection's
 *                                         start or a head's first bytes; then 408 and close
 *   http-metrics Probes.HttpProbe         --metrics: time to the 101, or the status an upgrade was refused with
 *   http-exchange HttpExchangeGuard       one request/response at a time (pipelined requests wait); closes
 *                                         idle connections, unless a response is being waited for
 *   per-address  PerAddressLimit.Stage    --maxperip: 429 for an upgrade from an address with N connections open
 *   auth         AuthGate                 --basicauth/--tokenfile/--authurl: holds each request until it is
 *                                         let in (identity for AUTH_TYPE/REMOTE_USER, token stripped) or
 *                                         refused (401/403/503, nothing started)
 *   router       HttpRequestRouter        invalid requests (RequestValidity: Host, control bytes) -> 400;
 *                                         with --dir/--staticdir/--cgidir: "/a/../b" -> 301 to "/b";
 *                                         Upgrade: websocket -> WebSocketUpgrade (accepted, or 4xx refusal);
 *                                         anything else -> plain endpoints (dev console, CGI, static files),
 *                                         else 404
 * An accepted upgrade while its session starts (holdForSession): the codec's decoder half goes, then
 *   ws-pending   PendingUpgrade           after http-codec: holds what the client sent past the request (reading
 *                                         paused); 101 once the session's program runs, else 503 and close
 *   ws-session   SessionBridge            last: the session, started at once (it lets the client in)
 * Once the 101 is written (switchToWebSocket), the HTTP stages go and ws-pending hands its bytes to ws-decoder:
 *   ws-encoder   WebSocket08FrameEncoder  our frames -> bytes
 *   ws-decoder   StreamingFrameDecoder    bytes -> message chunks as they arrive, whole control frames (1002);
 *                                         an uncompressed frame announcing more than --maxframesize: 1009 at once
 *   ws-deflate   PerMessageDeflate        --compress, when the client agreed: inflates compressed chunks in
 *                                         pieces (--maxframesize counts inflated bytes: 1009), deflates ours
 *   ws-metrics   Probes.WebSocketProbe    --metrics: messages and bytes both ways, backpressure, close code
 *   ws-size      MessageSizeLimit         --maxframesize per whole message (1009)
 *   ws-utf8      TextMessageValidator     text messages must be UTF-8 (1007)
 *   ws-close     CloseHandshake           ping/pong, the closing handshake both ways, failures -> close frame;
 *                                         every close: FIN after the frame, reset if not over within 3 s
 *   ws-ping      KeepAlivePing            --pingms: pings; drops a client that leaves a ping without pong 2 intervals
 *   ws-session   SessionBridge            message chunks <-> the session (a child process per connection)
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
    private final ResponseHeaders headers;
    /** Puts TLS first on a pipeline (--ssl), or null: TLS classes are only loaded when it is used. */
    private final Consumer<ChannelPipeline> tls;
    private final long pingMs;
    private final TrustedProxies proxies;
    private final boolean compress;
    private final boolean cleanPaths;
    private final long headerTimeoutMs;
    /** Open connections the open-files limit allows (0: no limit); beyond: 503. */
    private final int maxConnections;
    private static final Overloaded OVERLOADED = new Overloaded();
    /** Stages between the exchange guard and the router (--basicauth..., --maxperip), in order; usually none. */
    private final List<RequestStage> requestStages;
    private final PipelineProbes probes;

    /**
     * A stage every HTTP request passes before the router, made per connection; only configured ones exist, so
     * their classes are loaded only when their flags are given.
     */
    record RequestStage(String name, Factory factory) {
        interface Factory {
            ChannelHandler create(RequestIds ids, boolean tls, TrustedProxies proxies);
        }
    }

    /**
     * @param sessions     null when there is no WebSocket endpoint (only --staticdir / --cgidir)
     * @param policy       checked before every upgrade (--origin, --sameorigin)
     * @param headers      --header, --header-ws, --header-http
     * @param tls          puts TLS first on a pipeline, or null without --ssl
     * @param pingMs       --pingms, 0 for none
     * @param subprotocols --subprotocol
     * @param proxies      --trustproxy
     * @param compress     --compress: permessage-deflate when a client offers it
     * @param cleanPaths   redirect paths with "." and ".." segments to their clean form (URLs name files)
     * @param headerTimeoutMs --headertimeoutms
     * @param maxConnections  open connections allowed by the open-files limit, 0 for no limit
     * @param requestStages stages between the exchange guard and the router, in order
     * @param probes       --metrics: stages that watch the HTTP and WebSocket sides, or null
     */
    ServerInitializer(ChannelGroup connections, SessionStrategy sessions, UpgradePolicy policy,
                      ResponseHeaders headers, List<HttpEndpoint> endpoints, long maxMessageSize,
                      Consumer<ChannelPipeline> tls, long pingMs, List<String> subprotocols,
                      boolean compress, TrustedProxies proxies, boolean cleanPaths, long headerTimeoutMs,
                      int maxConnections, List<RequestStage> requestStages, PipelineProbes probes) {
        this.connections = connections;
        this.compress = compress;
        this.upgrades = new WebSocketUpgrade(sessions, policy, headers, new WebSocketUpgrade.PipelineSwitch() {
            @Override
            public void hold(ChannelPipeline p, ChannelInboundHandler pending, SessionBridge bridge) {
                holdForSession(p, pending, bridge);
            }

            @Override
            public void toWebSocket(ChannelPipeline p, CloseHandshake closing, DeflateParameters deflate) {
                switchToWebSocket(p, closing, deflate);
            }
        }, new Subprotocols(subprotocols), compress);
        this.endpoints = List.copyOf(endpoints);
        this.maxMessageSize = maxMessageSize;
        this.headers = headers;
        this.tls = tls;
        this.pingMs = pingMs;
        this.proxies = proxies;
        this.cleanPaths = cleanPaths;
        this.headerTimeoutMs = headerTimeoutMs;
        this.maxConnections = maxConnections;
        this.requestStages = List.copyOf(requestStages);
        this.probes = probes;
    }

    @Override
    protected void initChannel(Channel ch) {
        ChannelPipeline p = ch.pipeline();
        if (maxConnections > 0 && connections.size() >= maxConnections) {
            p.addLast("overloaded", OVERLOADED);
            return;
        }
        connections.add(ch);
        if (tls != null) {
            tls.accept(p);
        }
        p.addLast("http-idle", new IdleStateHandler(true, 0, 0, HTTP_IDLE_SECONDS, TimeUnit.SECONDS));
        p.addLast("http-codec", new HttpServerCodec(MAX_INITIAL_LINE, MAX_HEADER_SIZE, 8192));
        p.addLast("http-head-deadline", new RequestHeadDeadline(headerTimeoutMs));
        if (probes != null) {
            p.addLast("http-metrics", probes.newHttpProbe());
        }
        p.addLast("http-exchange", new HttpExchangeGuard());
        for (RequestStage stage : requestStages) {
            p.addLast(stage.name(), stage.factory().create(ids, tls != null, proxies));
        }
        p.addLast("router", new HttpRequestRouter(upgrades, endpoints, ids, tls != null, headers, proxies,
                cleanPaths));
    }

    /**
     * An accepted upgrade, while its session starts: the HTTP decoder goes (what it read past the request moves
     * on to ws-pending, which holds it), the encoder stays for the 101 or the 503, and the bridge comes last.
     */
    private static void holdForSession(ChannelPipeline p, ChannelInboundHandler pending, SessionBridge bridge) {
        p.addAfter("http-codec", "ws-pending", pending);
        p.addLast("ws-session", bridge);
        ((HttpServerCodec) p.get("http-codec")).removeInboundHandler();
    }

    /** Swaps the HTTP handlers for the WebSocket ones, right after the 101 response was written. */
    private void switchToWebSocket(ChannelPipeline p, CloseHandshake closing, DeflateParameters deflate) {
        p.addAfter("router", "ws-encoder", new WebSocket08FrameEncoder(false));
        p.addAfter("ws-encoder", "ws-decoder", new StreamingFrameDecoder(deflate != null, maxMessageSize));
        String last = "ws-decoder";
        if (deflate != null) {
            p.addAfter(last, "ws-deflate", new PerMessageDeflate(deflate, p.channel().alloc(), maxMessageSize));
            last = "ws-deflate";
        }
        if (maxMessageSize > 0) {
            p.addAfter(last, "ws-size", new MessageSizeLimit(maxMessageSize));
            last = "ws-size";
        }
        p.addAfter(last, "ws-utf8", new TextMessageValidator());
        p.addAfter("ws-utf8", "ws-close", closing);
        String beforeSession = "ws-close";
        if (pingMs > 0) {
            p.addAfter(beforeSession, "ws-ping", new KeepAlivePing(pingMs, closing));
            beforeSession = "ws-ping";
        }
        if (probes != null) {
            // after inflating: message bytes as the program sees them
            p.addAfter(p.get("ws-deflate") != null ? "ws-deflate" : "ws-decoder", "ws-metrics",
                    probes.newWebSocketProbe());
            p.remove("http-metrics");
        }
        p.remove("router");
        for (RequestStage stage : requestStages) {
            p.remove(stage.name());
        }
        p.remove("http-exchange");
        p.remove("http-head-deadline");
        p.remove("http-idle");
        if (p.get("http-chunked") != null) {
            // Added by a static file sent over TLS earlier on this keep-alive connection: an HTTP stage like the
            // others, which would otherwise queue and re-flush every frame for nothing (KeepAliveThenUpgradeTest).
            p.remove("http-chunked");
        }
        p.remove("http-codec"); // ws-pending, now first, then hands what it held to ws-decoder
    }
}
