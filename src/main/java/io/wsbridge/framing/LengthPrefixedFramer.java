package io.wsbridge.framing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.wsbridge.utf8.Utf8Sanitizer;

/**
 * --framing=lengthprefixed, program to client: the output is a sequence of 4-byte big-endian headers (bit 31
 * set for a binary message, bits 0-30 the payload length), each followed by its payload. Each becomes one
 * message of that type. Payloads are not held: they are passed on as fragments of the message as they are
 * read, so a message of any size needs no more memory than a pipe read. Text payloads are made valid UTF-8
 * as in line mode (see {@link Utf8Sanitizer}). A header announcing more than the limit, or output that ends
 * inside a header or a payload, is a {@link ProgramFramingError}.
 */
public final class LengthPrefixedFramer implements OutputFramer {
    private static final int HEADER_BYTES = 4;

    private final ByteBufAllocator alloc;
    private final long maxLength;
    private final Utf8Sanitizer utf8 = new Utf8Sanitizer();
    /** Header bytes read so far (0-3) and their value. */
    private int headerBytes;
    private int header;
    /** Inside a payload: bytes still to come, and whether its first fragment was sent. */
    private boolean inPayload;
    private long remaining;
    private boolean binary;
    private boolean started;

    /** @param maxLength the largest payload a header may announce (--maxframesize, at most 2^31-1) */
    public LengthPrefixedFramer(ByteBufAllocator alloc, long maxLength) {
        this.alloc = alloc;
        this.maxLength = maxLength;
    }

    @Override
    public void frame(ByteBuf chunk, MessageSink sink) {
        try {
            while (chunk.isReadable()) {
                if (inPayload) {
                    int n = (int) Math.min(remaining, chunk.readableBytes());
                    remaining -= n;
                    send(chunk.readRetainedSlice(n), sink);
                } else {
                    readHeader(chunk, sink);
                }
            }
        } finally {
            chunk.release();
        }
    }

    private void readHeader(ByteBuf chunk, MessageSink sink) {
        while (headerBytes < HEADER_BYTES && chunk.isReadable()) {
            header = (header << 8) | chunk.readUnsignedByte();
            headerBytes++;
        }
        if (headerBytes < HEADER_BYTES) {
            return;
        }
        binary = header < 0;
        remaining = header & 0x7fff_ffffL;
        headerBytes = 0;
        header = 0;
        if (remaining > maxLength) {
            throw new ProgramFramingError("program announced a " + remaining + "-byte message, over the "
                    + maxLength + "-byte limit");
        }
        inPayload = true;
        started = false;
        if (remaining == 0) {
            send(alloc.buffer(0), sink);
        }
    }

    private void send(ByteBuf payload, MessageSink sink) {
        boolean first = !started;
        boolean last = remaining == 0;
        started = true;
        if (last) {
            inPayload = false;
        }
        sink.fragment(binary ? payload : utf8.sanitize(payload, last, alloc), binary, first, last);
    }

    @Override
    public void finish(MessageSink sink) {
        if (inPayload) {
            throw new ProgramFramingError("program output ended inside a message (" + remaining
                    + " bytes missing)");
        }
        if (headerBytes > 0) {
            throw new ProgramFramingError("program output ended inside a message header (" + headerBytes
                    + " of 4 bytes)");
        }
    }

    @Override
    public void discard() {
        inPayload = false;
        headerBytes = 0;
        header = 0;
    }
}
