package io.wsbridge.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.wsbridge.logging.LogScope;
import io.wsbridge.paths.UrlPath;
import java.util.List;
import java.util.Optional;

/**
 * Routes each HTTP request by what it asks for, not by its path: a WebSocket upgrade (Upgrade: websocket)
 * goes to the {@link UpgradeHandler}; anything else to the plain endpoints in order (dev console, CGI,
 * static files), and finally 404. Netty's WebSocketServerProtocolHandler would match on the path instead,
 * which is why routing is ours.
 */
public final class HttpRequestRouter extends ChannelInboundHandlerAdapter {
    private static final LogScope LOG = LogScope.of("http");

    /** Performs a WebSocket upgrade; the router is removed from the pipeline if it succeeds. */
    public interface UpgradeHandler {
        /** Whether upgrades are served at all (a COMMAND or --dir is configured). */
        boolean enabled();

        void upgrade(ChannelHandlerContext ctx, HttpRequest request, RequestInfo info);
    }

    private final UpgradeHandler upgrades;
    private final List<HttpEndpoint> endpoints;
    private final RequestIds ids;
    private final boolean tls;
    private final ResponseHeaders headers;
    private final TrustedProxies proxies;
    private final boolean cleanPaths;
    /** The endpoint answering the current request; its body parts go there. */
    private HttpEndpoint current;

    public HttpRequestRouter(UpgradeHandler upgrades, List<HttpEndpoint> endpoints, RequestIds ids, boolean tls) {
        this(upgrades, endpoints, ids, tls, ResponseHeaders.NONE, TrustedProxies.NONE, false);
    }

    /**
     * @param headers --header and --header-http, for the final 404
     * @param proxies --trustproxy: whose X-Forwarded-For / X-Real-IP give the client's address
     * @param cleanPaths whether URL paths name files: then raw "." and ".." segments get a 301 to the
     *                cleaned path (Go's ServeMux does this for websocketd), before any other routing
     */
    public HttpRequestRouter(UpgradeHandler upgrades, List<HttpEndpoint> endpoints, RequestIds ids, boolean tls,
                             ResponseHeaders headers, TrustedProxies proxies, boolean cleanPaths) {
        this.upgrades = upgrades;
        this.endpoints = List.copyOf(endpoints);
        this.ids = ids;
        this.tls = tls;
        this.headers = headers;
        this.proxies = proxies;
        this.cleanPaths = cleanPaths;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest request) {
            route(ctx, request);
        }
        if (msg instanceof HttpContent content) {
            if (current != null) {
                boolean last = content instanceof LastHttpContent;
                HttpEndpoint endpoint = current;
                if (last) {
                    current = null;
                }
                endpoint.content(ctx, content);
                return;
            }
        }
        ReferenceCountUtil.release(msg);
    }

    private void route(ChannelHandlerContext ctx, HttpRequest request) {
        current = null;
        RequestInfo info = RequestInfos.from(ctx.channel(), request, ids.next(), tls, proxies);
        if (request.decoderResult().isFailure()) {
            AccessLog.log(info, 400, "BAD REQUEST: " + request.decoderResult().cause().getMessage());
            HttpResponses.send(ctx, request, HttpResponses.text(HttpResponseStatus.BAD_REQUEST, "400 Bad Request"),
                    true);
            return;
        }
        if (request.protocolVersion().majorVersion() != 1) {
            // HTTP/2 and later never arrive as text request lines; as Go's net/http: 505.
            AccessLog.log(info, 505, "BAD REQUEST: " + request.protocolVersion());
            HttpResponses.send(ctx, request, HttpResponses.text(HttpResponseStatus.HTTP_VERSION_NOT_SUPPORTED,
                    "505 HTTP Version Not Supported"), true);
            return;
        }
        String invalid = RequestValidity.problem(request);
        if (invalid != null) {
            AccessLog.log(info, 400, "BAD REQUEST: " + invalid);
            HttpResponses.send(ctx, request, HttpResponses.text(HttpResponseStatus.BAD_REQUEST,
                    "400 Bad Request: " + invalid), true);
            return;
        }
        if (cleanPaths && redirectedToCleanPath(ctx, request, info)) {
            return;
        }
        if (upgrades.enabled() && isWebSocketUpgrade(request)) {
            upgrades.upgrade(ctx, request, info);
            return;
        }
        for (HttpEndpoint endpoint : endpoints) {
            if (endpoint.accept(ctx, request, info)) {
                current = endpoint;
                return;
            }
        }
        AccessLog.log(info, 404, "NOT FOUND");
        FullHttpResponse notFound = HttpResponses.text(HttpResponseStatus.NOT_FOUND, "404 page not found");
        headers.addToPlain(notFound.headers());
        HttpResponses.send(ctx, request, notFound, false);
    }

    /**
     * "/sub/../hello.sh" -> 301 "/hello.sh" (clients that do not clean paths themselves follow it); paths
     * that would climb above the root or hide dots in escapes get no redirect, and are refused later.
     */
    private boolean redirectedToCleanPath(ChannelHandlerContext ctx, HttpRequest request, RequestInfo info) {
        Optional<String> location = UrlPath.cleaned(request.uri());
        if (location.isEmpty()) {
            return false;
        }
        AccessLog.log(info, 301, "REDIRECT to " + location.get());
        FullHttpResponse moved = HttpResponses.text(HttpResponseStatus.MOVED_PERMANENTLY, "301 Moved Permanently");
        moved.headers().set(HttpHeaderNames.LOCATION, location.get());
        headers.addToPlain(moved.headers());
        HttpResponses.send(ctx, request, moved, false);
        return true;
    }

    /** Upgrade: websocket (case-insensitive; the rest of the handshake is checked by the upgrade). */
    static boolean isWebSocketUpgrade(HttpRequest request) {
        String upgrade = request.headers().get(HttpHeaderNames.UPGRADE);
        if (upgrade == null) {
            return false;
        }
        for (String token : upgrade.split(",")) {
            if (token.trim().equalsIgnoreCase("websocket")) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof java.io.IOException) {
            LOG.debug("Connection error: {}", cause.toString());
        } else {
            LOG.error("Unexpected error, connection closed: {}", cause.toString());
        }
        ctx.close();
    }
}
