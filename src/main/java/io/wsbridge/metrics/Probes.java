package io.wsbridge.metrics;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.wsbridge.websocket.MessageChunk;
import java.util.Locale;

/** The pipeline stages behind {@link PipelineProbes}: they watch and pass everything on unchanged. */
final class Probes implements PipelineProbes {
    private final WsbridgeMetrics metrics;

    Probes(WsbridgeMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public ChannelHandler newHttpProbe() {
        return new HttpProbe();
    }

    @Override
    public ChannelHandler newWebSocketProbe() {
        return new WebSocketProbe();
    }

    /** Upgrade requests: time to the 101, or the status they were refused with. */
    private final class HttpProbe extends ChannelDuplexHandler {
        /** When the upgrade request in progress arrived; 0 when none is. */
        private long upgradeSince;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpRequest r) {
                String upgrade = r.headers().get(HttpHeaderNames.UPGRADE);
                upgradeSince = upgrade != null && upgrade.toLowerCase(Locale.ROOT).contains("websocket")
                        ? System.nanoTime() : 0;
            }
            ctx.fireChannelRead(msg);
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (upgradeSince != 0 && msg instanceof HttpResponse r && r.status().code() >= 101) {
                int status = r.status().code();
                if (status == 101) {
                    metrics.handshakeSeconds.observe((System.nanoTime() - upgradeSince) / 1e9);
                } else {
                    metrics.refused.labelValues(WsbridgeMetrics.status(status)).inc();
                }
                upgradeSince = 0;
            }
            ctx.write(msg, promise);
        }
    }

    /** One WebSocket: open while it lives, messages and bytes both ways, pauses, and its close code. */
    private final class WebSocketProbe extends ChannelDuplexHandler {
        private int closeCode = 1006;
        private boolean counted;

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            counted = true;
            metrics.openConnections.inc();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof MessageChunk chunk) {
                metrics.bytesIn.inc(chunk.content().readableBytes());
                if (chunk.last()) {
                    metrics.messagesIn.inc();
                }
            } else if (msg instanceof CloseWebSocketFrame close) {
                closed(close);
            }
            ctx.fireChannelRead(msg);
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (msg instanceof CloseWebSocketFrame close) {
                closed(close);
            } else if (msg instanceof WebSocketFrame frame && (frame instanceof TextWebSocketFrame
                    || frame instanceof BinaryWebSocketFrame || frame instanceof ContinuationWebSocketFrame)) {
                metrics.bytesOut.inc(frame.content().readableBytes());
                if (frame.isFinalFragment()) {
                    metrics.messagesOut.inc();
                }
            } else if (msg instanceof ByteBuf frames) {
                EncodedFrames.Count count = EncodedFrames.count(frames); // a room's, encoded once for all its clients
                if (count.messages() > 0 || count.payloadBytes() > 0) {
                    metrics.bytesOut.inc(count.payloadBytes());
                    metrics.messagesOut.inc(count.messages());
                }
            }
            ctx.write(msg, promise);
        }

        /** The first close frame either way decides the code. */
        private void closed(CloseWebSocketFrame close) {
            if (closeCode == 1006) {
                int code = close.statusCode();
                closeCode = code < 0 ? 1005 : code;
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (!ctx.channel().isWritable()) {
                metrics.backpressurePauses.inc();
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            end();
            ctx.fireChannelInactive();
        }

        @Override
        public void handlerRemoved(ChannelHandlerContext ctx) {
            end();
        }

        private void end() {
            if (counted) {
                counted = false;
                metrics.openConnections.dec();
                metrics.connections.labelValues(WsbridgeMetrics.code(closeCode)).inc();
            }
        }
    }
}
