package io.wsbridge.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.ReferenceCountUtil;

/** Something that may answer a plain (non-WebSocket) HTTP request: static files, CGI, the dev console. */
public interface HttpEndpoint {
    /**
     * Takes the request if it is this endpoint's, answering it (now or later); false lets the next endpoint
     * try. Log the request with {@link AccessLog} when taking it.
     */
    boolean accept(ChannelHandlerContext ctx, HttpRequest request, RequestInfo info);

    /** A body part of a request this endpoint took (ownership passes). */
    default void content(ChannelHandlerContext ctx, HttpContent content) {
        ReferenceCountUtil.release(content);
    }
}
