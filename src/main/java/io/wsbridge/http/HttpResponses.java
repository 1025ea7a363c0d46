package io.wsbridge.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/** Small plain-text HTTP responses (errors, refusals), shaped like Go's http.Error as websocketd sends them. */
public final class HttpResponses {
    private HttpResponses() {
    }

    /** A text/plain response whose body is {@code body} plus a newline. */
    public static FullHttpResponse text(HttpResponseStatus status, String body) {
        ByteBuf content = Unpooled.copiedBuffer(body + "\n", StandardCharsets.UTF_8);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
        response.headers()
                .set("Content-Type", "text/plain; charset=utf-8")
                .set("X-Content-Type-Options", "nosniff")
                .setInt("Content-Length", content.readableBytes());
        return response;
    }

    /**
     * Sends a response to {@code request}, keeping the connection when the client wants it and the
     * response allows it, closing it otherwise.
     */
    public static ChannelFuture send(ChannelHandlerContext ctx, HttpRequest request, FullHttpResponse response,
                                     boolean forceClose) {
        boolean keepAlive = !forceClose && request != null && HttpUtil.isKeepAlive(request);
        if (keepAlive) {
            if (request.protocolVersion().equals(HttpVersion.HTTP_1_0)) {
                response.headers().set("Connection", "keep-alive");
            }
        } else {
            response.headers().set("Connection", "close");
        }
        ChannelFuture f = ctx.writeAndFlush(response);
        if (!keepAlive) {
            f.addListener(ChannelFutureListener.CLOSE);
        }
        return f;
    }
}
