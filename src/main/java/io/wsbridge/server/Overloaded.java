package io.wsbridge.server;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The only stage of a connection over the descriptor budget: 503 at once, without reading the request (a
 * client must not wait in the backlog while accept fails), then close. Bounded: closed after a second even if
 * the client does not read.
 */
@ChannelHandler.Sharable
final class Overloaded extends ChannelInboundHandlerAdapter {
    private static final String BODY = "503 Service Unavailable: too many open connections\n";
    private static final byte[] RESPONSE = ("HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; "
            + "charset=utf-8\r\nContent-Length: " + BODY.length() + "\r\nRetry-After: 1\r\nConnection: close\r\n\r\n"
            + BODY).getBytes(StandardCharsets.US_ASCII);

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        // FIN after the answer, and the request is read and dropped until the client closes: closing with its
        // request unread would reset the connection, and the client might never see the 503.
        ctx.writeAndFlush(Unpooled.wrappedBuffer(RESPONSE)).addListener(f -> {
            if (f.isSuccess() && ctx.channel() instanceof DuplexChannel duplex) {
                duplex.shutdownOutput();
            } else {
                ctx.close();
            }
        });
        ctx.executor().schedule(() -> {
            ctx.channel().close();
        }, 1, TimeUnit.SECONDS);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ReferenceCountUtil.release(msg);
    }
}
