package io.wsbridge.auth;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.wsbridge.http.AccessLog;
import io.wsbridge.http.HttpResponses;
import io.wsbridge.http.Identity;
import io.wsbridge.http.RequestIds;
import io.wsbridge.http.RequestInfo;
import io.wsbridge.http.RequestInfos;
import io.wsbridge.http.TrustedProxies;
import java.util.ArrayDeque;
import java.util.Map;

/**
 * The "auth" stage, between the exchange guard and the router: every request (upgrade, dev console, static
 * file, CGI) is held here until {@link Authenticator} has decided, so a refused one never reaches anything that
 * starts a program. Let in, it goes on with its identity (AUTH_TYPE, REMOTE_USER) and without the credential
 * that was ours; refused, it is answered here (401/403/503) and logged at ACCESS with the reason, never the
 * secret. The body parts that arrive meanwhile wait with it (bounded).
 */
final class AuthGate extends ChannelInboundHandlerAdapter implements Identity.Source {
    private static final int MAX_WAITING_PARTS = 64;

    private final Authenticator authenticator;
    private final RequestIds ids;
    private final boolean tls;
    private final TrustedProxies proxies;
    private final ArrayDeque<HttpContent> waiting = new ArrayDeque<>();
    /** The request being decided, or null. */
    private HttpRequest pending;
    /** A refused request's body is still arriving: dropped. */
    private boolean discarding;
    /** Who the request let through last is (AUTH_TYPE, REMOTE_USER), read by the router's RequestInfos. */
    private Identity identity;

    AuthGate(Authenticator authenticator, RequestIds ids, boolean tls, TrustedProxies proxies) {
        this.authenticator = authenticator;
        this.ids = ids;
        this.tls = tls;
        this.proxies = proxies;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest request) {
            if (request.decoderResult().isFailure()) {
                ctx.fireChannelRead(msg); // the router answers 400
                return;
            }
            discarding = false;
            pending = request;
            identity = null;
            Credentials credentials = Credentials.take(request, authenticator.takesTokens());
            RequestInfo info = RequestInfos.from(ctx.channel(), request, ids.next(), tls, proxies);
            authenticator.decide(info, credentials, ctx.channel().eventLoop(), d -> decided(ctx, request, info, d));
            return;
        }
        if (msg instanceof HttpContent content) {
            if (discarding) {
                discarding = !(content instanceof LastHttpContent);
                content.release();
                return;
            }
            if (pending != null) {
                if (waiting.size() >= MAX_WAITING_PARTS) {
                    content.release();
                    ctx.close();
                    return;
                }
                waiting.add(content);
                return;
            }
        }
        ctx.fireChannelRead(msg);
    }

    private void decided(ChannelHandlerContext ctx, HttpRequest request, RequestInfo info, Decision decision) {
        if (pending != request || ctx.isRemoved() || !ctx.channel().isActive()) {
            releaseWaiting();
            return;
        }
        pending = null;
        if (decision instanceof Decision.Allow allow) {
            if (allow.consumedCredential()) {
                request.headers().remove(HttpHeaderNames.AUTHORIZATION);
            }
            identity = new Identity(allow.authType(), allow.user());
            ctx.fireChannelRead(request);
            HttpContent part;
            while ((part = waiting.poll()) != null) {
                if (ctx.isRemoved()) {
                    part.release(); // upgraded: the rest of the HTTP request is not the WebSocket's
                } else {
                    ctx.fireChannelRead(part);
                }
            }
            if (!ctx.isRemoved()) {
                ctx.fireChannelReadComplete();
            }
            return;
        }
        Decision.Deny deny = (Decision.Deny) decision;
        boolean complete = waiting.stream().anyMatch(p -> p instanceof LastHttpContent);
        releaseWaiting();
        discarding = !complete;
        AccessLog.log(info, deny.status(), "AUTH REFUSED: " + deny.reason());
        HttpResponseStatus status = HttpResponseStatus.valueOf(deny.status());
        FullHttpResponse response = HttpResponses.text(status, deny.status() + " " + status.reasonPhrase());
        for (Map.Entry<String, String> h : deny.headers()) {
            response.headers().add(h.getKey(), h.getValue());
        }
        boolean upgrade = request.headers().contains(HttpHeaderNames.UPGRADE);
        HttpResponses.send(ctx, request, response, upgrade || !complete);
    }

    private void releaseWaiting() {
        HttpContent part;
        while ((part = waiting.poll()) != null) {
            ReferenceCountUtil.release(part);
        }
    }

    @Override
    public Identity identity() {
        return identity;
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releaseWaiting();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        releaseWaiting();
        ctx.fireChannelInactive();
    }
}
