package io.wsbridge.metrics;

import io.netty.buffer.ByteBuf;

/**
 * Counts what frames already encoded carry: a room encodes its messages once for all its clients and writes the
 * bytes to each (no frame objects pass the probe), so the probe reads their headers (unmasked, as a server's
 * are): how many messages end in them, how many payload bytes they hold. The payloads themselves are not read.
 */
final class EncodedFrames {
    record Count(int messages, long payloadBytes) {
    }

    private EncodedFrames() {
    }

    /** The data frames (text, binary, continuation) among whole frames; stops at the first incomplete one. */
    static Count count(ByteBuf frames) {
        int i = frames.readerIndex();
        int end = frames.writerIndex();
        long payload = 0;
        int messages = 0;
        while (end - i >= 2) {
            int first = frames.getUnsignedByte(i);
            int length = frames.getUnsignedByte(i + 1) & 0x7f;
            int header = length == 126 ? 4 : length == 127 ? 10 : 2;
            if (end - i < header) {
                break;
            }
            long size = length == 126 ? frames.getUnsignedShort(i + 2) : length == 127 ? frames.getLong(i + 2) : length;
            if (size < 0 || size > end - i - header) {
                break;
            }
            if ((first & 0x0f) <= 2) { // continuation, text, binary: a message or a piece of one
                payload += size;
                if ((first & 0x80) != 0) {
                    messages++;
                }
            }
            i += header + (int) size;
        }
        return new Count(messages, payload);
    }
}
