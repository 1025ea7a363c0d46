package io.wsbridge.access;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.ReferenceCountUtil;
import io.wsbridge.http.AccessLog;
import io.wsbridge.http.HttpResponses;
import io.wsbridge.http.RequestIds;
import io.wsbridge.http.RequestInfo;
import io.wsbridge.http.RequestInfos;
import io.wsbridge.http.TrustedProxies;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * --maxperip: at most N open WebSocket connections per client address (the one --trustproxy makes of
 * X-Forwarded-For). A connection counts from its upgrade request until it closes; the N+1st upgrade from an
 * address gets 429 before anything is started. Clients on the Unix socket have no address and are not counted.
 */
public final class PerAddressLimit {
    private final int max;
    private final ConcurrentHashMap<String, AtomicInteger> open = new ConcurrentHashMap<>();

    public PerAddressLimit(int max) {
        this.max = max;
    }

    /** The "per-address" stage for one connection. */
    public ChannelHandler newStage(RequestIds ids, boolean tls, TrustedProxies proxies) {
        return new Stage(ids, tls, proxies);
    }

    /** Open connections from {@code address} right now (tests). */
    public int openFrom(String address) {
        AtomicInteger n = open.get(address);
        return n == null ? 0 : n.get();
    }

    private boolean tryTake(String address) {
        boolean[] taken = {false};
        open.compute(address, (a, n) -> {
            AtomicInteger count = n == null ? new AtomicInteger() : n;
            if (count.get() < max) {
                count.incrementAndGet();
                taken[0] = true;
            }
            return count;
        });
        return taken[0];
    }

    private void give(String address) {
        open.computeIfPresent(address, (a, n) -> n.decrementAndGet() <= 0 ? null : n);
    }

    private final class Stage extends ChannelInboundHandlerAdapter {
        private final RequestIds ids;
        private final boolean tls;
        private final TrustedProxies proxies;
        /** The address this connection is counted under, once it asked to upgrade. */
        private String counted;

        Stage(RequestIds ids, boolean tls, TrustedProxies proxies) {
            this.ids = ids;
            this.tls = tls;
            this.proxies = proxies;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (counted == null && msg instanceof HttpRequest request && isUpgrade(request)
                    && !request.decoderResult().isFailure()) {
                RequestInfo info = RequestInfos.from(ctx.channel(), request, ids.next(), tls, proxies);
                String address = info.remoteAddr();
                if (!"unix-socket".equals(address)) {
                    if (!tryTake(address)) {
                        ReferenceCountUtil.release(msg);
                        AccessLog.log(info, 429, "UPGRADE REFUSED: " + max + " connections from " + address
                                + " already open (--maxperip)");
                        HttpResponses.send(ctx, request, HttpResponses.text(HttpResponseStatus.TOO_MANY_REQUESTS,
                                "429 Too Many Requests: at most " + max + " connections per address"), true);
                        return;
                    }
                    counted = address;
                    ctx.channel().closeFuture().addListener(f -> give(address));
                }
            }
            ctx.fireChannelRead(msg);
        }

        private static boolean isUpgrade(HttpRequest request) {
            String upgrade = request.headers().get(HttpHeaderNames.UPGRADE);
            return upgrade != null && upgrade.toLowerCase(java.util.Locale.ROOT).contains("websocket");
        }
    }
}
