package io.wsbridge.tls;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.wsbridge.logging.LogScope;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import javax.net.ssl.SSLException;

/**
 * Right after the SslHandler: one ACCESS line for a failed handshake (a client without a certificate under
 * --sslca, a plain-HTTP request on the TLS port, a client that only speaks TLS 1.0, ...), and the failure
 * itself ends there: the SslHandler has already closed the connection.
 */
final class HandshakeFailureLog extends ChannelInboundHandlerAdapter {
    private static final LogScope HTTP = LogScope.of("http");

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SslHandshakeCompletionEvent done) {
            if (!done.isSuccess()) {
                HTTP.with("remote", remote(ctx.channel().remoteAddress()))
                        .access("TLS HANDSHAKE FAILED: {}", describe(done.cause()));
            }
            ctx.fireUserEventTriggered(evt);
            ctx.pipeline().remove(this);
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable c = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (c instanceof SSLException) {
            ctx.close(); // already logged through the completion event
        } else {
            ctx.fireExceptionCaught(cause);
        }
    }

    static String describe(Throwable cause) {
        Throwable c = cause;
        while (c.getCause() != null && (c.getMessage() == null || c instanceof DecoderException)) {
            c = c.getCause();
        }
        if (c instanceof NotSslRecordException) {
            return "not TLS (plain HTTP on the TLS port?)"; // its message is a hex dump of what was sent
        }
        String message = c.getMessage() != null ? c.getMessage() : c.getClass().getSimpleName();
        return message.length() > 200 ? message.substring(0, 200) + "..." : message;
    }

    private static String remote(SocketAddress address) {
        if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return inet.getAddress().getHostAddress();
        }
        return "unix-socket";
    }
}
