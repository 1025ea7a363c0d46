package io.wsbridge.devconsole;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.wsbridge.http.AccessLog;
import io.wsbridge.http.HttpEndpoint;
import io.wsbridge.http.HttpResponses;
import io.wsbridge.http.RequestInfo;
import io.wsbridge.http.ResponseHeaders;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * --devconsole: an interactive page, served for every plain HTTP request (any path, any method), from which a
 * person connects to the WebSocket endpoint at the same URL, sends messages and watches what comes back. The
 * page is a fixed resource: nothing from the request is put into it (the script computes the ws:// or wss://
 * URL from its own location), so there is nothing to reflect. A Content-Security-Policy allows only the
 * page's own inline script and style (by their hashes) and WebSocket connections; no framing, no forms.
 */
public final class DevConsole implements HttpEndpoint {
    static final String RESOURCE = "console.html";

    private final byte[] page;
    private final String contentSecurityPolicy;
    private final ResponseHeaders headers;

    private DevConsole(String html, ResponseHeaders headers) {
        this.page = html.getBytes(StandardCharsets.UTF_8);
        this.contentSecurityPolicy = "default-src 'none'; script-src " + hashOf(html, "script") + "; style-src "
                + hashOf(html, "style") + "; connect-src ws: wss:; img-src 'none'; base-uri 'none'; "
                + "form-action 'none'; frame-ancestors 'none'";
        this.headers = headers;
    }

    public static DevConsole create(ResponseHeaders headers) {
        try (InputStream in = DevConsole.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + RESOURCE);
            }
            return new DevConsole(new String(in.readAllBytes(), StandardCharsets.UTF_8), headers);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public boolean accept(ChannelHandlerContext ctx, HttpRequest request, RequestInfo info) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                Unpooled.wrappedBuffer(page));
        r.headers()
                .set("Content-Type", "text/html; charset=utf-8")
                .setInt("Content-Length", page.length)
                .set("Content-Security-Policy", contentSecurityPolicy)
                .set("X-Content-Type-Options", "nosniff")
                .set("X-Frame-Options", "DENY")
                .set("Referrer-Policy", "no-referrer")
                .set("Cache-Control", "no-store");
        headers.addToPlain(r.headers());
        AccessLog.log(info, 200, "DEVCONSOLE");
        HttpResponses.send(ctx, request, r, false);
        return true;
    }

    String contentSecurityPolicy() {
        return contentSecurityPolicy;
    }

    /** CSP source for the one inline element of this kind: 'sha256-...' of exactly its text. */
    static String hashOf(String html, String tag) {
        int open = html.indexOf("<" + tag + ">");
        int close = html.indexOf("</" + tag + ">");
        if (open < 0 || close < open || html.indexOf("<" + tag + ">", open + 1) >= 0) {
            throw new IllegalStateException("the console page must have exactly one inline <" + tag + ">");
        }
        String text = html.substring(open + tag.length() + 2, close);
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return "'sha256-" + Base64.getEncoder().encodeToString(digest) + "'";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
