package io.wsbridge.websocket;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.wsbridge.session.CloseCodes;

/**
 * Enforces --maxframesize on whole messages, not single frames (a client could otherwise send an endless
 * message in small fragments): a message that grows past the limit is refused with close code 1009.
 */
public final class MessageSizeLimit extends ChannelInboundHandlerAdapter {
    private final long maxMessageBytes;
    private long messageBytes;

    /** @param maxMessageBytes the limit; 0 or less means none (then this handler is not installed) */
    public MessageSizeLimit(long maxMessageBytes) {
        this.maxMessageBytes = maxMessageBytes;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof MessageChunk chunk) {
            messageBytes += chunk.content().readableBytes();
            if (messageBytes > maxMessageBytes) {
                chunk.release();
                throw new ProtocolViolation(CloseCodes.MESSAGE_TOO_BIG,
                        "message exceeds " + maxMessageBytes + " bytes");
            }
            if (chunk.last()) {
                messageBytes = 0;
            }
        }
        ctx.fireChannelRead(msg);
    }
}
