package io.wsbridge.auth;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.ScheduledFuture;
import io.wsbridge.http.RequestInfo;
import java.net.URI;
import java.util.AbstractMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * --authurl: asks an HTTP endpoint about each request, as nginx's auth_request, Traefik's forwardAuth and
 * oauth2-proxy's /oauth2/auth expect: a GET with the client's Cookie and Authorization and X-Forwarded-*
 * (and nginx's X-Original-URI/-Method). 2xx allows (X-Auth-User, X-Forwarded-User or X-Auth-Request-User
 * names the user), 401 and 403 are passed on, anything else, no connection or no answer within the timeout is
 * 503. Non-blocking: a Netty client on the connection's own event loop. Answers may be cached per credential
 * (a SHA-256 of Cookie, Authorization and token, so the cache holds no secret).
 */
final class ForwardAuth {
    private static final int MAX_RESPONSE = 64 * 1024;
    private static final int MAX_CACHED = 10_000;

    private record Cached(Decision decision, long expiresAt) {
    }

    private final URI url;
    private final String target;
    private final String hostHeader;
    private final long timeoutMs;
    private final long cacheMs;
    private final Class<? extends Channel> channelType;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    ForwardAuth(URI url, long timeoutMs, long cacheMs, Class<? extends Channel> channelType) {
        this.url = url;
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        this.target = url.getRawQuery() == null ? path : path + "?" + url.getRawQuery();
        this.hostHeader = url.getPort() < 0 ? url.getHost() : url.getHost() + ":" + url.getPort();
        this.timeoutMs = timeoutMs;
        this.cacheMs = cacheMs;
        this.channelType = channelType;
    }

    /** Calls {@code done} once, on {@code loop}. */
    void ask(RequestInfo request, Credentials credentials, EventLoop loop, Consumer<Decision> done) {
        String key = cacheMs > 0 ? cacheKey(credentials) : null;
        if (key != null) {
            Cached c = cache.get(key);
            if (c != null && c.expiresAt - System.nanoTime() > 0) {
                done.accept(c.decision);
                return;
            }
        }
        Consumer<Decision> finish = key == null ? done : decision -> {
            if (decision instanceof Decision.Allow || ((Decision.Deny) decision).status() != 503) {
                if (cache.size() >= MAX_CACHED) {
                    cache.clear();
                }
                cache.put(key, new Cached(decision, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(cacheMs)));
            }
            done.accept(decision);
        };
        new Exchange(request, credentials, loop, finish).start();
    }

    private static String cacheKey(Credentials c) {
        String material = c.cookie() + "\n" + c.authorization() + "\n" + c.token();
        return HexFormat.of().formatHex(TokenFile.sha256(material));
    }

    /** One question to the auth service: a connection of its own, closed after the answer. */
    private final class Exchange extends SimpleChannelInboundHandler<FullHttpResponse> {
        private final RequestInfo request;
        private final Credentials credentials;
        private final EventLoop loop;
        private final Consumer<Decision> done;
        private ScheduledFuture<?> timeout;
        private Channel channel;
        private boolean finished;

        Exchange(RequestInfo request, Credentials credentials, EventLoop loop, Consumer<Decision> done) {
            this.request = request;
            this.credentials = credentials;
            this.loop = loop;
            this.done = done;
        }

        void start() {
            timeout = loop.schedule(() -> finish(new Decision.Deny(503, "auth service did not answer within "
                    + timeoutMs + " ms")), timeoutMs, TimeUnit.MILLISECONDS);
            Bootstrap b = new Bootstrap()
                    .group(loop)
                    .channel(channelType)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeoutMs))
                    .handler(new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast("codec", new HttpClientCodec());
                            ch.pipeline().addLast("aggregate", new HttpObjectAggregator(MAX_RESPONSE));
                            ch.pipeline().addLast("answer", Exchange.this);
                        }
                    });
            int port = url.getPort() < 0 ? 80 : url.getPort();
            ChannelFuture connected = b.connect(url.getHost(), port);
            channel = connected.channel();
            connected.addListener(f -> {
                if (!f.isSuccess()) {
                    finish(new Decision.Deny(503, "auth service unreachable: " + f.cause().getMessage()));
                    return;
                }
                channel.writeAndFlush(question());
            });
        }

        private FullHttpRequest question() {
            FullHttpRequest q = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, target);
            q.headers().set(HttpHeaderNames.HOST, hostHeader)
                    .set(HttpHeaderNames.CONNECTION, "close")
                    .set(HttpHeaderNames.CONTENT_LENGTH, 0)
                    .set("X-Forwarded-For", request.remoteAddr())
                    .set("X-Forwarded-Proto", request.tls() ? "https" : "http")
                    .set("X-Forwarded-Host", request.host())
                    .set("X-Forwarded-Uri", request.uri())
                    .set("X-Forwarded-Method", request.method())
                    .set("X-Original-URI", request.uri())
                    .set("X-Original-Method", request.method());
            if (credentials.cookie() != null) {
                q.headers().set(HttpHeaderNames.COOKIE, credentials.cookie());
            }
            if (credentials.authorization() != null) {
                q.headers().set(HttpHeaderNames.AUTHORIZATION, credentials.authorization());
            } else if (credentials.token() != null) {
                q.headers().set(HttpHeaderNames.AUTHORIZATION, "Bearer " + credentials.token());
            }
            return q;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse answer) {
            int status = answer.status().code();
            if (status >= 200 && status < 300) {
                String user = first(answer, "X-Auth-User", "X-Forwarded-User", "X-Auth-Request-User");
                finish(new Decision.Allow("Forward", user == null ? "" : user, false));
            } else if (status == 401 || status == 403) {
                String challenge = answer.headers().get(HttpHeaderNames.WWW_AUTHENTICATE);
                finish(new Decision.Deny(status, "auth service answered " + status, challenge == null ? List.of()
                        : List.of(new AbstractMap.SimpleImmutableEntry<>("WWW-Authenticate", challenge))));
            } else {
                finish(new Decision.Deny(503, "auth service answered " + status));
            }
        }

        private static String first(FullHttpResponse answer, String... names) {
            for (String n : names) {
                String v = answer.headers().get(n);
                if (v != null && !v.isBlank()) {
                    return v.strip();
                }
            }
            return null;
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            finish(new Decision.Deny(503, "auth service closed the connection without an answer"));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            finish(new Decision.Deny(503, "auth service: " + cause.getMessage()));
        }

        private void finish(Decision decision) {
            if (finished) {
                return;
            }
            finished = true;
            timeout.cancel(false);
            if (channel != null) {
                channel.close();
            }
            done.accept(decision);
        }
    }
}
