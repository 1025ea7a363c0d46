package io.wsbridge.metrics;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.IdleStateEvent;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * The metrics listener's only handler: {@code GET /metrics} (Prometheus text format 0.0.4), {@code /healthz}
 * (the process answers) and {@code /readyz} (it can take connections: listening, a fork slot free, and with
 * --roombus Redis reachable), the last two with a short JSON body. Nothing here reaches the programs.
 */
final class MetricsEndpoint extends SimpleChannelInboundHandler<FullHttpRequest> {
    /**
     * What /readyz reports: every check, so that a 503's body says which failed.
     *
     * @param roomBusUsed      whether --roombus is given (the roombus check is left out without it)
     * @param roomBusConnected whether Redis is reachable now
     */
    record Readiness(boolean listening, int programs, int maxPrograms, boolean roomBusUsed, boolean roomBusConnected) {
        boolean ready() {
            return listening && (maxPrograms <= 0 || programs < maxPrograms) && (!roomBusUsed || roomBusConnected);
        }

        String json() {
            return "{\"status\":\"" + (ready() ? "ready" : "not ready") + "\",\"listening\":" + listening
                    + ",\"programs\":" + programs + ",\"maxforks\":" + maxPrograms
                    + (roomBusUsed ? ",\"roombus\":\"" + (roomBusConnected ? "connected" : "unreachable") + "\"" : "")
                    + "}\n";
        }
    }

    private static final PrometheusTextFormatWriter TEXT = PrometheusTextFormatWriter.create();

    private final WsbridgeMetrics metrics;
    private final Supplier<Readiness> readiness;

    MetricsEndpoint(WsbridgeMetrics metrics, Supplier<Readiness> readiness) {
        this.metrics = metrics;
        this.readiness = readiness;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) throws IOException {
        if (!request.decoderResult().isSuccess()) {
            send(ctx, request, text(HttpResponseStatus.BAD_REQUEST, "text/plain", "400 Bad Request\n"));
            return;
        }
        boolean get = request.method().equals(HttpMethod.GET) || request.method().equals(HttpMethod.HEAD);
        String path = request.uri().split("\\?", 2)[0];
        FullHttpResponse response;
        if (!get) {
            response = text(HttpResponseStatus.METHOD_NOT_ALLOWED, "text/plain", "405 Method Not Allowed\n");
            response.headers().set("Allow", "GET, HEAD");
        } else if (path.equals("/metrics")) {
            ByteBuf body = ctx.alloc().buffer(8192);
            try (ByteBufOutputStream out = new ByteBufOutputStream(body)) {
                TEXT.write(out, metrics.registry.scrape());
            }
            response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body);
            response.headers().set("Content-Type", TEXT.getContentType())
                    .setInt("Content-Length", body.readableBytes());
        } else if (path.equals("/healthz")) {
            response = text(HttpResponseStatus.OK, "application/json", "{\"status\":\"ok\"}\n");
        } else if (path.equals("/readyz")) {
            Readiness r = readiness.get();
            response = text(r.ready() ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
                    "application/json", r.json());
        } else {
            response = text(HttpResponseStatus.NOT_FOUND, "text/plain",
                    "404 page not found (try /metrics, /healthz or /readyz)\n");
        }
        response.headers().set("Cache-Control", "no-store");
        if (request.method().equals(HttpMethod.HEAD)) {
            response.content().clear();
        }
        send(ctx, request, response);
    }

    private static FullHttpResponse text(HttpResponseStatus status, String type, String body) {
        ByteBuf content = io.netty.buffer.Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
        r.headers().set("Content-Type", type + "; charset=utf-8").setInt("Content-Length", content.readableBytes());
        return r;
    }

    private static void send(ChannelHandlerContext ctx, FullHttpRequest request, FullHttpResponse response) {
        boolean keepAlive = HttpUtil.isKeepAlive(request) && request.decoderResult().isSuccess();
        if (!keepAlive) {
            response.headers().set("Connection", "close");
        }
        var f = ctx.writeAndFlush(response);
        if (!keepAlive) {
            f.addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            ctx.close();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
