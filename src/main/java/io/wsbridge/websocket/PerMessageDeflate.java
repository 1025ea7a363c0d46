package io.wsbridge.websocket;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import io.wsbridge.deflate.CompressionBackoff;
import io.wsbridge.deflate.DeflateParameters;
import io.wsbridge.deflate.MessageDeflater;
import io.wsbridge.deflate.MessageInflater;
import io.wsbridge.session.CloseCodes;
import java.util.ArrayDeque;
import java.util.zip.DataFormatException;

/**
 * --compress, once permessage-deflate was agreed (RFC 7692): inflates compressed client messages and
 * deflates ours, both a piece at a time, so streaming stays streaming.
 *
 * <p>Inbound, a compressed chunk is inflated into pieces of at most 64 KiB, each passed on at once. The
 * inflated size counts against --maxframesize here, so a compression bomb is refused with 1009 after at most
 * that many bytes were produced. When the program cannot keep up (the session stops reading the socket),
 * inflating stops too, keeping the rest of the compressed input, and goes on when reading resumes: one
 * small compressed read never turns into megabytes in memory. Outbound, every data frame is compressed as it
 * is written (RSV1 on a message's first frame), unless recent messages did not shrink (see
 * {@link CompressionBackoff}).
 */
public final class PerMessageDeflate extends ChannelDuplexHandler {
    private final MessageDeflater deflater;
    private final MessageInflater inflater;
    private final long maxMessageBytes;
    /** Compressed input being inflated, waiting for the session to take more; then chunks that came after. */
    private MessageChunk inflating;
    private final ArrayDeque<MessageChunk> waiting = new ArrayDeque<>();
    private long messageBytes;
    private boolean failed;
    /** The connection ended and the zlib states were freed. */
    private boolean released;
    /** Outbound: whether the message being sent is compressed, and its size before and after so far. */
    private final CompressionBackoff backoff = new CompressionBackoff();
    private boolean compressing;
    private long plainBytes;
    private long compressedBytes;

    /** @param maxMessageBytes --maxframesize for inflated messages; 0 or less for none */
    public PerMessageDeflate(DeflateParameters parameters, ByteBufAllocator alloc, long maxMessageBytes) {
        this.deflater = new MessageDeflater(parameters, alloc);
        this.inflater = new MessageInflater(alloc);
        this.maxMessageBytes = maxMessageBytes;
    }

    // ---- inbound ----

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof MessageChunk chunk)) {
            ctx.fireChannelRead(msg);
        } else if (failed) {
            chunk.release();
        } else if (inflating != null || !waiting.isEmpty()) {
            waiting.add(chunk); // keeps the order behind input that is still being inflated
        } else {
            process(ctx, chunk);
        }
    }

    private void process(ChannelHandlerContext ctx, MessageChunk chunk) {
        if (!chunk.compressed()) {
            ctx.fireChannelRead(chunk);
            return;
        }
        inflating = chunk;
        inflater.input(chunk.content().nioBuffer(), chunk.last());
        inflate(ctx);
    }

    /** Inflates the current chunk until it is used up, or until the session stops reading. */
    private void inflate(ChannelHandlerContext ctx) {
        MessageChunk chunk = inflating;
        try {
            while (true) {
                if (inflating != chunk) {
                    return; // the connection ended while the last piece was passed on
                }
                if (!ctx.channel().config().isAutoRead()) {
                    return; // resumed from read()
                }
                long allowed = maxMessageBytes > 0 ? maxMessageBytes - messageBytes + 1 : MessageInflater.CHUNK;
                ByteBuf out = inflater.next((int) Math.min(allowed, MessageInflater.CHUNK));
                if (out == null) {
                    break;
                }
                messageBytes += out.readableBytes();
                if (maxMessageBytes > 0 && messageBytes > maxMessageBytes) {
                    out.release();
                    throw fail(CloseCodes.MESSAGE_TOO_BIG, "message exceeds " + maxMessageBytes + " bytes");
                }
                ctx.fireChannelRead(new MessageChunk(out, chunk.binary(), false, false));
            }
        } catch (DataFormatException e) {
            throw fail(CloseCodes.INVALID_PAYLOAD, "invalid compressed data: " + e.getMessage());
        }
        inflating = null;
        if (chunk.last()) {
            messageBytes = 0;
            ctx.fireChannelRead(new MessageChunk(ctx.alloc().buffer(0), chunk.binary(), true, false));
        }
        chunk.release();
    }

    private ProtocolViolation fail(int code, String reason) {
        failed = true;
        dropInput();
        return new ProtocolViolation(code, reason);
    }

    /** Reading resumes: first what is held, and only then more from the socket. */
    @Override
    public void read(ChannelHandlerContext ctx) {
        if (!failed && inflating != null) {
            inflate(ctx);
            while (inflating == null && !waiting.isEmpty() && ctx.channel().config().isAutoRead()) {
                process(ctx, waiting.poll());
            }
            ctx.fireChannelReadComplete();
        }
        if (inflating == null && waiting.isEmpty()) {
            ctx.read();
        }
    }

    // ---- outbound ----

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (released) {
            ctx.write(msg, promise); // the channel is closed and fails it; no zlib state for a dead connection
        } else if (msg instanceof TextWebSocketFrame || msg instanceof BinaryWebSocketFrame
                || msg instanceof ContinuationWebSocketFrame) {
            WebSocketFrame frame = (WebSocketFrame) msg;
            boolean first = !(msg instanceof ContinuationWebSocketFrame);
            if (first) {
                compressing = backoff.compressNext();
                plainBytes = 0;
                compressedBytes = 0;
            }
            if (!compressing) {
                ctx.write(msg, promise); // sent as it is (RSV1 clear): it did not pay to compress lately
                return;
            }
            ByteBuf compressed;
            try {
                plainBytes += frame.content().readableBytes();
                compressed = deflater.compress(frame.content(), first, frame.isFinalFragment());
                compressedBytes += compressed.readableBytes();
                if (frame.isFinalFragment()) {
                    backoff.compressed(plainBytes, compressedBytes);
                }
            } finally {
                frame.release();
            }
            int rsv = first ? 4 : 0; // RSV1: this message is compressed
            WebSocketFrame out = msg instanceof TextWebSocketFrame
                    ? new TextWebSocketFrame(frame.isFinalFragment(), rsv, compressed)
                    : msg instanceof BinaryWebSocketFrame
                    ? new BinaryWebSocketFrame(frame.isFinalFragment(), rsv, compressed)
                    : new ContinuationWebSocketFrame(frame.isFinalFragment(), rsv, compressed);
            ctx.write(out, promise);
        } else {
            ctx.write(msg, promise);
        }
    }

    // ---- the end ----

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        release();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        release();
        ctx.fireChannelInactive();
    }

    private void dropInput() {
        if (inflating != null) {
            inflating.release();
            inflating = null;
        }
        while (!waiting.isEmpty()) {
            ReferenceCountUtil.release(waiting.poll());
        }
    }

    /** Frees the zlib states now rather than when the collector gets to them. */
    private void release() {
        released = true;
        dropInput();
        inflater.close();
        deflater.close();
    }
}
