package io.wsbridge.websocket;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.FastThreadLocal;
import io.wsbridge.deflate.DeflateParameters;
import io.wsbridge.http.AccessLog;
import io.wsbridge.http.HttpRequestRouter;
import io.wsbridge.http.HttpResponses;
import io.wsbridge.http.RequestInfo;
import io.wsbridge.http.ResponseHeaders;
import io.wsbridge.http.Refusal;
import io.wsbridge.logging.LogScope;
import io.wsbridge.session.SessionStrategy;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * The opening handshake (RFC 6455 section 4.2): checks the request, lets the session strategy accept or refuse it
 * (429 when --maxforks is reached, ...), starts the session, and answers 101 and switches the connection's
 * pipeline from HTTP to WebSocket frames once the session's program runs (503 if it cannot start). Refusals are
 * plain HTTP errors with a one-line reason.
 */
public final class WebSocketUpgrade implements HttpRequestRouter.UpgradeHandler {
    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static final LogScope DEFLATE_LOG = LogScope.of("websocket");

    /** The pipeline's changes (the layout lives with the server initializer). */
    public interface PipelineSwitch {
        /**
         * Before the 101, while the session starts: HTTP decoding stops, {@code pending} holds what the client
         * sends past its request, and {@code bridge} joins the pipeline (at its end).
         */
        void hold(ChannelPipeline pipeline, ChannelInboundHandler pending, SessionBridge bridge);

        /**
         * Once the 101 is written: the HTTP handlers make way for the WebSocket ones, between the held input and
         * the bridge.
         *
         * @param deflate the permessage-deflate agreement, or null when messages are not compressed
         */
        void toWebSocket(ChannelPipeline pipeline, CloseHandshake closing, DeflateParameters deflate);
    }

    private final SessionStrategy sessions;
    private final UpgradePolicy policy;
    private final ResponseHeaders headers;
    private final PipelineSwitch pipelineSwitch;
    private final Subprotocols subprotocols;
    private final boolean compress;

    public WebSocketUpgrade(SessionStrategy sessions, PipelineSwitch pipelineSwitch) {
        this(sessions, UpgradePolicy.ALLOW_ALL, ResponseHeaders.NONE, pipelineSwitch,
                new Subprotocols(java.util.List.of()), false);
    }

    /**
     * @param sessions     null when no WebSocket endpoint is configured (only --staticdir / --cgidir): upgrade
     *                     requests are then plain HTTP requests like any other
     * @param policy       checked before the session strategy sees the request (--origin, --sameorigin)
     * @param headers      --header and --header-ws go on the 101
     * @param subprotocols --subprotocol negotiation
     * @param compress     --compress: accept a permessage-deflate offer
     */
    public WebSocketUpgrade(SessionStrategy sessions, UpgradePolicy policy, ResponseHeaders headers,
                            PipelineSwitch pipelineSwitch, Subprotocols subprotocols, boolean compress) {
        this.sessions = sessions;
        this.policy = policy;
        this.headers = headers;
        this.pipelineSwitch = pipelineSwitch;
        this.subprotocols = subprotocols;
        this.compress = compress;
    }

    @Override
    public boolean enabled() {
        return sessions != null;
    }

    @Override
    public void upgrade(ChannelHandlerContext ctx, HttpRequest request, RequestInfo info) {
        String key = request.headers().get(HttpHeaderNames.SEC_WEBSOCKET_KEY);
        String problem = handshakeProblem(request, key);
        if (problem != null) {
            HttpResponseStatus status = request.method().equals(HttpMethod.GET)
                    ? HttpResponseStatus.BAD_REQUEST : HttpResponseStatus.METHOD_NOT_ALLOWED;
            refuse(ctx, request, info, status, problem);
            return;
        }
        if (!"13".equals(request.headers().get(HttpHeaderNames.SEC_WEBSOCKET_VERSION, "").trim())) {
            FullHttpResponse r = HttpResponses.text(HttpResponseStatus.UPGRADE_REQUIRED,
                    "426 Upgrade Required: only WebSocket version 13 is supported");
            r.headers().set(HttpHeaderNames.SEC_WEBSOCKET_VERSION, "13");
            AccessLog.log(info, 426, "UPGRADE REFUSED: unsupported Sec-WebSocket-Version");
            HttpResponses.send(ctx, request, r, true);
            return;
        }
        Subprotocols.Choice protocol = subprotocols.choose(request.headers().getAll(
                HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL));
        if (protocol instanceof Subprotocols.NoneAcceptable none) {
            refuse(ctx, request, info, HttpResponseStatus.BAD_REQUEST, none.reason());
            return;
        }
        String chosen = protocol instanceof Subprotocols.Chosen c ? c.protocol() : null;
        SessionStrategy.PreparedSession prepared;
        try {
            policy.check(info);
            prepared = sessions.prepare(info, chosen);
        } catch (Refusal r) {
            refuse(ctx, request, info, HttpResponseStatus.valueOf(r.status()), r.getMessage());
            return;
        }
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.SWITCHING_PROTOCOLS, Unpooled.EMPTY_BUFFER);
        // Spelled as RFC 6455 does; names are case-insensitive, but some clients and proxies are picky.
        response.headers()
                .set("Upgrade", "websocket")
                .set("Connection", "Upgrade")
                .set("Sec-WebSocket-Accept", acceptKey(key));
        headers.addToUpgrade(response.headers());
        if (chosen != null) {
            response.headers().set("Sec-WebSocket-Protocol", chosen);
        }
        DeflateParameters deflate = compress ? DeflateParameters.negotiate(
                request.headers().getAll(HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS)) : null;
        if (deflate != null) {
            response.headers().set("Sec-WebSocket-Extensions", deflate.responseHeader());
            if (DEFLATE_LOG.debugEnabled()) {
                DEFLATE_LOG.with("url", info.url()).with("id", info.id()).debug("Compressing: {} (zlib memory for "
                        + "this connection: about 40 KiB to inflate, 260 KiB to deflate)", deflate.responseHeader());
            }
        }
        if (!ctx.channel().isActive()) {
            prepared.abandon();
            return;
        }
        // The 101 waits until the session's program runs (a program that cannot start gets the client a 503);
        // the session is started right away, with the bridge in the pipeline, and lets the client in itself.
        CloseHandshake closing = new CloseHandshake();
        SessionBridge bridge = new SessionBridge(prepared, closing);
        ChannelPipeline pipeline = ctx.pipeline();
        PendingUpgrade pending = new PendingUpgrade(ctx, request, info, response,
                () -> pipelineSwitch.toWebSocket(pipeline, closing, deflate));
        pipelineSwitch.hold(pipeline, pending, bridge);
        bridge.start(pending);
    }

    /** What is wrong with an upgrade request, or null when it is a valid RFC 6455 handshake. */
    static String handshakeProblem(HttpRequest request, String key) {
        if (!request.method().equals(HttpMethod.GET)) {
            return "WebSocket upgrade requires GET, not " + request.method();
        }
        if (request.protocolVersion().compareTo(HttpVersion.HTTP_1_1) < 0) {
            return "WebSocket upgrade requires HTTP/1.1";
        }
        if (!hasToken(request.headers().get(HttpHeaderNames.CONNECTION), "upgrade")) {
            return "WebSocket upgrade requires 'Connection: Upgrade'";
        }
        if (request.headers().getAll(HttpHeaderNames.SEC_WEBSOCKET_KEY).size() > 1) {
            return "more than one Sec-WebSocket-Key header"; // RFC 6455 11.3.1: it appears once
        }
        if (request.headers().getAll(HttpHeaderNames.SEC_WEBSOCKET_VERSION).size() > 1) {
            return "more than one Sec-WebSocket-Version header"; // RFC 6455 11.3.5: it appears once
        }
        if (request.headers().contains(HttpHeaderNames.TRANSFER_ENCODING)
                || !"0".equals(request.headers().get(HttpHeaderNames.CONTENT_LENGTH, "0").trim())) {
            // What follows the head is WebSocket frames: a body would be read as frames (or smuggled past them).
            return "a WebSocket upgrade request has no body";
        }
        if (key == null || !validKey(key.trim())) {
            return "Sec-WebSocket-Key must be 16 random bytes in base64";
        }
        return null;
    }

    private static void refuse(ChannelHandlerContext ctx, HttpRequest request, RequestInfo info,
                               HttpResponseStatus status, String reason) {
        AccessLog.log(info, status.code(), "UPGRADE REFUSED: " + reason);
        HttpResponses.send(ctx, request, HttpResponses.text(status, status.code() + " " + reason), true);
    }

    private static boolean hasToken(String header, String token) {
        if (header == null) {
            return false;
        }
        for (String part : header.split(",")) {
            if (part.trim().equalsIgnoreCase(token)) {
                return true;
            }
        }
        return false;
    }

    /** RFC 6455 4.1: 16 random bytes in base64, which is always 24 characters (padding included). */
    private static boolean validKey(String key) {
        if (key.length() != 24) {
            return false;
        }
        try {
            return Base64.getDecoder().decode(key).length == 16;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    static String acceptKey(String key) {
        byte[] digest = SHA1.get().digest((key.trim() + GUID).getBytes(StandardCharsets.US_ASCII));
        return Base64.getEncoder().encodeToString(digest);
    }

    /** One digest per event loop thread: looking the algorithm up costs more than hashing 60 bytes. */
    private static final FastThreadLocal<MessageDigest> SHA1 = new FastThreadLocal<>() {
        @Override
        protected MessageDigest initialValue() throws NoSuchAlgorithmException {
            return MessageDigest.getInstance("SHA-1");
        }
    };
}
