package io.wsbridge.websocket;
import io.wsbridge.session.CloseCodes;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
import io.netty.channel.epoll.AbstractEpollStreamChannel;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.unix.Socket;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.wsbridge.utf8.Utf8Validator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The control-frame side of RFC 6455: answers pings, runs the closing handshake in both directions, and
 * turns protocol violations into a close frame with the right code. Once we have sent a close frame, data
 * we are asked to send is dropped, and data the client still sends is ignored.
 *
 * <p>Every way of ending has a deadline: a close frame is written behind whatever is still queued, and a
 * client that stopped reading never lets that write finish (its receive window stays at zero). So once a
 * close frame is on its way, the connection is dropped (reset, queued bytes discarded) after
 * {@link #CLOSE_DEADLINE_MS} at the latest, whether the frame could not be written or was not answered.
 */
public final class CloseHandshake extends ChannelDuplexHandler {
    /** How long a close frame may take to be written and answered before the connection is dropped. */
    static final long CLOSE_DEADLINE_MS = 3000;

    private enum State { OPEN, CLOSE_SENT, CLOSED }

    private State state = State.OPEN;
    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> deadline;

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /** Starts a server-side close: close frame after everything already written, then wait for the reply. */
    public void close(int code, String reason) {
        if (state != State.OPEN) {
            return;
        }
        state = State.CLOSE_SENT;
        ctx.writeAndFlush(new CloseWebSocketFrame(code, truncateReason(reason)));
        armDeadline();
        ctx.fireUserEventTriggered(new ClosingStarted(code, reason));
    }

    /**
     * Gives up on a client (e.g. it stopped answering pings): close frame, then TCP close at once, without
     * waiting for a reply that is not going to come.
     */
    public void abort(int code, String reason) {
        fail(code, reason);
    }

    public boolean isOpen() {
        return state == State.OPEN;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof CloseWebSocketFrame frame) {
            closeReceived(frame);
        } else if (msg instanceof PingWebSocketFrame ping) {
            if (state == State.OPEN) {
                ctx.writeAndFlush(new PongWebSocketFrame(ping.content()));
            } else {
                ping.release();
            }
        } else if (msg instanceof PongWebSocketFrame pong) {
            ctx.fireChannelRead(pong); // keep-alive bookkeeping, if any, lives further up
        } else if (state != State.OPEN) {
            ReferenceCountUtil.release(msg);
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    private void closeReceived(CloseWebSocketFrame frame) {
        try {
            ByteBuf payload = frame.content();
            int code = CloseCodes.NORMAL;
            String reason = "";
            if (payload.readableBytes() == 1) {
                throw new ProtocolViolation(CloseCodes.PROTOCOL_ERROR, "close frame with a 1-byte payload");
            }
            if (payload.readableBytes() >= 2) {
                code = payload.getUnsignedShort(payload.readerIndex());
                if (!CloseCodes.validFromPeer(code)) {
                    throw new ProtocolViolation(CloseCodes.PROTOCOL_ERROR, "invalid close code " + code);
                }
                ByteBuf text = payload.slice(payload.readerIndex() + 2, payload.readableBytes() - 2);
                Utf8Validator utf8 = new Utf8Validator();
                if (!utf8.feed(text) || !utf8.endOfMessage()) {
                    throw new ProtocolViolation(CloseCodes.INVALID_PAYLOAD, "close reason is not valid UTF-8");
                }
                reason = text.toString(StandardCharsets.UTF_8);
            }
            if (state == State.OPEN) {
                state = State.CLOSED;
                // Echo the code, as RFC 6455 5.5.1 suggests; we close TCP first, as the server should.
                CloseWebSocketFrame reply = payload.readableBytes() >= 2 ? new CloseWebSocketFrame(code, "")
                        : new CloseWebSocketFrame(true, 0, ctx.alloc().buffer(0));
                lastFrame(reply);
                ctx.fireUserEventTriggered(new ClosingStarted(code, reason));
            } else if (state == State.CLOSE_SENT) {
                state = State.CLOSED;
                cancelDeadline();
                ctx.close();
            }
        } finally {
            frame.release();
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof WebSocketFrame && !(msg instanceof CloseWebSocketFrame) && state != State.OPEN) {
            // Nothing may follow our close frame (RFC 6455 5.5.1); whatever the session still has is dropped.
            ReferenceCountUtil.release(msg);
            promise.setSuccess();
            return;
        }
        ctx.write(msg, promise);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable c = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (c instanceof ProtocolViolation violation) {
            fail(violation.code(), violation.getMessage());
        } else if (c instanceof IOException) {
            ctx.close(); // connection reset and the like: nothing to say to a peer that is gone
        } else {
            fail(CloseCodes.INTERNAL_ERROR, "internal error");
            ctx.fireExceptionCaught(cause);
        }
    }

    /** Fails the connection: close frame with the code, then TCP close without waiting for a reply. */
    private void fail(int code, String reason) {
        if (state == State.OPEN) {
            state = State.CLOSED;
            lastFrame(new CloseWebSocketFrame(code, truncateReason(reason)));
            ctx.fireUserEventTriggered(new ClosingStarted(code, reason));
        } else {
            ctx.close();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancelDeadline();
        state = State.CLOSED;
        ctx.fireChannelInactive();
    }

    /**
     * Our last frame, then our end of TCP (FIN once the frame and everything before it are sent); the
     * connection closes when the client closes its end, or is dropped at the deadline. (Closing the socket
     * right after the write would hand the unsent bytes to the kernel, which keeps them for minutes for a
     * client that does not read.)
     */
    private void lastFrame(CloseWebSocketFrame frame) {
        ctx.writeAndFlush(frame).addListener(f -> {
            if (f.isSuccess() && ctx.channel() instanceof DuplexChannel duplex && !duplex.isOutputShutdown()) {
                shutdownOutput(duplex);
            } else {
                ctx.close();
            }
        });
        armDeadline();
    }

    /**
     * FIN. On the epoll transport the socket itself is shut down: Netty's shutdownOutput() makes an exception,
     * stack trace and all, on every call (to fail writes still queued; there are none, the last frame is
     * written), about 20 us of CPU on every connection's close, 2% of the server's CPU in bench churn. The
     * socket keeps the state, so isOutputShutdown() still answers; a write after this fails (EPIPE) and closes.
     */
    private static void shutdownOutput(DuplexChannel duplex) {
        if (duplex instanceof AbstractEpollStreamChannel epoll && epoll.fd() instanceof Socket socket) {
            try {
                socket.shutdown(false, true);
            } catch (IOException e) {
                duplex.close(); // the peer is gone already
            }
        } else {
            duplex.shutdownOutput();
        }
    }

    private void armDeadline() {
        if (deadline == null) {
            deadline = ctx.executor().schedule(this::drop, CLOSE_DEADLINE_MS, TimeUnit.MILLISECONDS);
        }
    }

    /** Time is up: reset rather than close, or the kernel keeps the queued bytes for a peer that never reads. */
    private void drop() {
        deadline = null;
        Channel channel = ctx.channel();
        if (channel.isOpen()) {
            channel.config().setOption(ChannelOption.SO_LINGER, 0);
            channel.close();
        }
    }

    private void cancelDeadline() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }

    /** A close reason is at most 123 bytes of UTF-8 (control frames carry 125 bytes, 2 are the code). */
    static String truncateReason(String reason) {
        if (reason == null) {
            return "";
        }
        byte[] bytes = reason.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= 123) {
            return reason;
        }
        int end = 123;
        while (end > 0 && (bytes[end] & 0xC0) == 0x80) {
            end--; // do not cut a character in half
        }
        return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }
}
