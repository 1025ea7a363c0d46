package io.wsbridge.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;

/**
 * --redirport: every request on that port gets a 301 to the same host, path and query on the main scheme
 * and port (websocketd keeps only the host, and cuts IPv6 hosts at their first colon). The Host header's
 * port is replaced; without a Host header the address the request arrived on is used. A Host that is not a
 * plain host name or IP literal gets 400 instead of being copied into a Location header.
 */
public final class MainPortRedirect extends ChannelInboundHandlerAdapter {
    private final String scheme;
    private final int port;
    private final RequestIds ids;

    /**
     * @param tls  whether the main listeners speak TLS (https) or not (http)
     * @param port the main port
     */
    public MainPortRedirect(boolean tls, int port, RequestIds ids) {
        this.scheme = tls ? "https" : "http";
        this.port = port;
        this.ids = ids;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof HttpRequest request) {
                answer(ctx, request);
            }
        } finally {
            ReferenceCountUtil.release(msg); // request bodies are not wanted here
        }
    }

    private void answer(ChannelHandlerContext ctx, HttpRequest request) {
        RequestInfo info = RequestInfos.from(ctx.channel(), request, ids.next(), false);
        if (request.decoderResult().isFailure()) {
            AccessLog.log(info, 400, "BAD REQUEST: " + request.decoderResult().cause().getMessage());
            HttpResponses.send(ctx, request, HttpResponses.text(HttpResponseStatus.BAD_REQUEST, "400 Bad Request"),
                    true);
            return;
        }
        String host = host(request.headers().get(HttpHeaderNames.HOST), ctx.channel().localAddress());
        if (host == null) {
            AccessLog.log(info, 400, "BAD REQUEST: invalid Host header");
            HttpResponses.send(ctx, request, HttpResponses.text(HttpResponseStatus.BAD_REQUEST,
                    "400 Bad Request: invalid Host header"), true);
            return;
        }
        String location = location(scheme, host, port, request.uri());
        FullHttpResponse response = HttpResponses.text(HttpResponseStatus.MOVED_PERMANENTLY, "301 Moved Permanently");
        response.headers().set(HttpHeaderNames.LOCATION, location);
        AccessLog.log(info, 301, "REDIRECT: " + location);
        HttpResponses.send(ctx, request, response, false);
    }

    /** scheme://host[:port]/path?query; the port is left out when it is the scheme's default. */
    static String location(String scheme, String host, int port, String uri) {
        boolean defaultPort = port == ("https".equals(scheme) ? 443 : 80);
        return scheme + "://" + host + (defaultPort ? "" : ":" + port) + pathAndQuery(uri);
    }

    /**
     * The Host header's host without its port (IPv6 literals keep their brackets), the local address when
     * there is no Host, or null when the Host is not a valid host.
     */
    static String host(String hostHeader, java.net.SocketAddress local) {
        if (hostHeader == null || hostHeader.isBlank()) {
            if (local instanceof InetSocketAddress inet && inet.getAddress() != null) {
                String a = inet.getAddress().getHostAddress();
                int zone = a.indexOf('%');
                if (zone >= 0) {
                    a = a.substring(0, zone);
                }
                return a.contains(":") ? "[" + a + "]" : a;
            }
            return null;
        }
        String h = hostHeader.trim();
        String name;
        String rest;
        if (h.startsWith("[")) {
            int close = h.indexOf(']');
            if (close < 0) {
                return null;
            }
            name = h.substring(0, close + 1);
            rest = h.substring(close + 1);
            String inside = name.substring(1, name.length() - 1);
            if (inside.isEmpty() || !inside.contains(":") || !inside.chars().allMatch(c -> Character.digit(c, 16) >= 0
                    || c == ':' || c == '.')) {
                return null;
            }
        } else {
            int colon = h.indexOf(':');
            name = colon < 0 ? h : h.substring(0, colon);
            rest = colon < 0 ? "" : h.substring(colon);
            if (name.isEmpty() || !name.chars().allMatch(c -> (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~')) {
                return null;
            }
        }
        if (!rest.isEmpty() && !(rest.startsWith(":") && rest.substring(1).chars().allMatch(c -> c >= '0' && c <= '9')
                && rest.length() <= 6)) {
            return null;
        }
        return name;
    }

    /**
     * The path and query of a request target: as sent for origin-form ("/a?b"), the part after the
     * authority for absolute-form ("http://h/a?b"), "/" otherwise ("*"). Characters that may not appear in
     * a URI are percent-encoded, so nothing odd reaches the Location header.
     */
    static String pathAndQuery(String uri) {
        String p = uri;
        int hash = p.indexOf('#');
        if (hash >= 0) {
            p = p.substring(0, hash);
        }
        if (!p.startsWith("/")) {
            int scheme = p.indexOf("://");
            if (scheme > 0) {
                int start = scheme + 3;
                int end = start;
                while (end < p.length() && p.charAt(end) != '/' && p.charAt(end) != '?') {
                    end++;
                }
                p = p.substring(end);
                if (!p.startsWith("/")) {
                    p = "/" + p;
                }
            } else {
                p = "/";
            }
        }
        StringBuilder out = new StringBuilder(p.length());
        for (int i = 0; i < p.length(); i++) {
            char c = p.charAt(i);
            if (c <= 0x20 || c >= 0x7f || "\"<>\\^`{|}".indexOf(c) >= 0) {
                // the HTTP decoder gives each byte as one char (ISO-8859-1), so this is the byte
                out.append('%').append(Character.toUpperCase(Character.forDigit((c >> 4) & 0xf, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
