package io.wsbridge.websocket;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.wsbridge.utf8.Utf8Validator;
import io.wsbridge.session.CloseCodes;

/** Client text messages must be UTF-8 (RFC 6455 8.1): an invalid one is refused with close code 1007. */
public final class TextMessageValidator extends ChannelInboundHandlerAdapter {
    private final Utf8Validator utf8 = new Utf8Validator();

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof MessageChunk chunk && !chunk.binary()) {
            boolean valid = utf8.feed(chunk.content()) && (!chunk.last() || utf8.endOfMessage());
            if (!valid) {
                chunk.release();
                throw new ProtocolViolation(CloseCodes.INVALID_PAYLOAD, "text message is not valid UTF-8");
            }
        }
        ctx.fireChannelRead(msg);
    }
}
