package io.wsbridge.rooms;

import io.netty.buffer.ByteBuf;

/**
 * WebSocket frames from the server (RFC 6455 5.2: never masked), encoded into a buffer that many clients then
 * share: a room encodes a broadcast once, not once per client.
 */
final class Frames {
    private Frames() {
    }

    /**
     * Appends one frame holding {@code payload} (not consumed).
     *
     * @param first whether it opens a message (text or binary opcode), else a continuation
     * @param last  whether it ends the message (FIN)
     */
    static void append(ByteBuf out, ByteBuf payload, boolean binary, boolean first, boolean last) {
        int opcode = !first ? 0x0 : binary ? 0x2 : 0x1;
        int length = payload.readableBytes();
        out.ensureWritable(10 + length);
        out.writeByte((last ? 0x80 : 0) | opcode);
        if (length < 126) {
            out.writeByte(length);
        } else if (length <= 0xFFFF) {
            out.writeByte(126);
            out.writeShort(length);
        } else {
            out.writeByte(127);
            out.writeLong(length);
        }
        out.writeBytes(payload, payload.readerIndex(), length);
    }
}
