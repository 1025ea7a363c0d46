package io.wsbridge.websocket;
import io.wsbridge.session.CloseCodes;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.util.internal.PlatformDependent;
import java.util.List;

/**
 * Decodes client frames (RFC 6455 section 5) without waiting for a data frame to be complete: payload is
 * unmasked in place and passed on as {@link MessageChunk}s as it arrives. (Netty's own decoder holds each
 * frame whole, so one 100 MB frame would need 100 MB.) Control frames are at most 125 bytes and are passed
 * on whole. Any violation raises {@link ProtocolViolation} with close code 1002; after that, input is
 * ignored. With permessage-deflate agreed, RSV1 on a message's first frame marks it compressed; the chunks
 * say so and {@link PerMessageDeflate} inflates them. An uncompressed data frame whose header announces more than the size limit is refused with 1009 as soon as the
 * header is read, before any of its payload (the limit on whole messages is {@link MessageSizeLimit}'s).
 */
public final class StreamingFrameDecoder extends ByteToMessageDecoder {
    private static final int OP_CONTINUATION = 0;
    private static final int OP_TEXT = 1;
    private static final int OP_BINARY = 2;
    private static final int OP_CLOSE = 8;
    private static final int OP_PING = 9;
    private static final int OP_PONG = 10;
    /**
     * Whether PlatformDependent's raw memory access works: it needs sun.misc.Unsafe, which Netty 4.2 leaves
     * alone from Java 25 on (io.netty.noUnsafe defaults to true there), while a direct buffer still reports a
     * memory address. Without it, unmasking goes through the buffer's own accessors.
     */
    private static final boolean UNSAFE_MEMORY = PlatformDependent.hasUnsafe();

    private enum State { HEADER, DATA, CONTROL, FAILED }

    /** --maxframesize; 0 or less for none. */
    private final long maxFrameBytes;
    private State state = State.HEADER;
    private boolean fin;
    private int opcode;
    private int mask;
    private long remaining;
    /** Offset into the current frame's payload, to know where in the 4-byte mask we are. */
    private long maskOffset;
    /** Opcode of the message in progress (TEXT or BINARY), or -1 between messages. */
    private int messageOpcode = -1;
    /** Whether the message in progress is compressed (RSV1 on its first frame). */
    private boolean messageCompressed;
    /** permessage-deflate was agreed: RSV1 may be set on a message's first frame. */
    private final boolean compression;

    /** No compression, no size limit. */
    public StreamingFrameDecoder() {
        this(false, 0);
    }

    /**
     * @param compression   whether permessage-deflate was agreed (RSV1 allowed on first data frames)
     * @param maxFrameBytes largest payload the header of an uncompressed data frame may announce; 0 or less for
     *                      none (compressed frames are limited by what they inflate to, in PerMessageDeflate)
     */
    public StreamingFrameDecoder(boolean compression, long maxFrameBytes) {
        this.compression = compression;
        this.maxFrameBytes = maxFrameBytes;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (true) {
            switch (state) {
                case HEADER -> {
                    if (!readHeader(in, out)) {
                        return;
                    }
                }
                case DATA -> {
                    if (!readData(in, out)) {
                        return;
                    }
                }
                case CONTROL -> {
                    if (!readControl(in, out)) {
                        return;
                    }
                }
                case FAILED -> {
                    in.skipBytes(in.readableBytes());
                    return;
                }
                default -> throw new IllegalStateException();
            }
        }
    }

    private boolean readHeader(ByteBuf in, List<Object> out) {
        if (in.readableBytes() < 2) {
            return false;
        }
        int start = in.readerIndex();
        int b0 = in.getUnsignedByte(start);
        int b1 = in.getUnsignedByte(start + 1);
        if ((b1 & 0x80) == 0) {
            throw fail("client frames must be masked");
        }
        int len7 = b1 & 0x7f;
        int extra = len7 == 126 ? 2 : len7 == 127 ? 8 : 0;
        int headerLength = 2 + extra + 4;
        if (in.readableBytes() < headerLength) {
            return false;
        }
        fin = (b0 & 0x80) != 0;
        opcode = b0 & 0x0f;
        boolean rsv1 = (b0 & 0x40) != 0;
        if ((b0 & 0x30) != 0 || (rsv1 && !compression)) {
            throw fail("reserved bits set without a negotiated extension");
        }
        if (rsv1 && opcode != OP_TEXT && opcode != OP_BINARY) {
            throw fail("RSV1 set on a " + (opcode >= OP_CLOSE ? "control" : "continuation") + " frame");
        }
        long length;
        if (len7 == 126) {
            length = in.getUnsignedShort(start + 2);
        } else if (len7 == 127) {
            length = in.getLong(start + 2);
            if (length < 0) {
                throw fail("frame length out of range");
            }
        } else {
            length = len7;
        }
        mask = in.getInt(start + 2 + extra);
        in.skipBytes(headerLength);
        remaining = length;
        maskOffset = 0;
        if (opcode >= OP_CLOSE) {
            if (opcode > OP_PONG) {
                throw fail("unknown control opcode " + opcode);
            }
            if (!fin) {
                throw fail("control frames must not be fragmented");
            }
            if (length > 125) {
                throw fail("control frame payload over 125 bytes");
            }
            state = State.CONTROL;
            return true;
        }
        switch (opcode) {
            case OP_CONTINUATION -> {
                if (messageOpcode < 0) {
                    throw fail("continuation frame without a message to continue");
                }
            }
            case OP_TEXT, OP_BINARY -> {
                if (messageOpcode >= 0) {
                    throw fail("new message started before the previous one ended");
                }
                messageOpcode = opcode;
                messageCompressed = rsv1;
            }
            default -> throw fail("unknown data opcode " + opcode);
        }
        if (maxFrameBytes > 0 && length > maxFrameBytes && !messageCompressed) {
            state = State.FAILED;
            throw new ProtocolViolation(CloseCodes.MESSAGE_TOO_BIG,
                    "frame of " + length + " bytes exceeds " + maxFrameBytes + " bytes");
        }
        state = State.DATA;
        if (length == 0 && (fin || opcode != OP_CONTINUATION)) {
            // An empty frame still marks a message start or end (an empty message is a message).
            emitData(in.alloc().buffer(0), out);
        }
        return true;
    }

    private boolean readData(ByteBuf in, List<Object> out) {
        if (remaining == 0) {
            state = State.HEADER;
            return true;
        }
        int n = (int) Math.min(remaining, in.readableBytes());
        if (n == 0) {
            return false;
        }
        ByteBuf payload = in.readRetainedSlice(n);
        unmask(payload);
        remaining -= n;
        emitData(payload, out); // back to HEADER when the frame is done
        return true;
    }

    private void emitData(ByteBuf payload, List<Object> out) {
        boolean last = fin && remaining == 0;
        out.add(new MessageChunk(payload, messageOpcode == OP_BINARY, last, messageCompressed));
        if (last) {
            messageOpcode = -1;
        }
        if (remaining == 0) {
            state = State.HEADER;
        }
    }

    private boolean readControl(ByteBuf in, List<Object> out) {
        if (in.readableBytes() < remaining) {
            return false;
        }
        ByteBuf payload = in.readRetainedSlice((int) remaining);
        unmask(payload);
        remaining = 0;
        state = State.HEADER;
        switch (opcode) {
            case OP_CLOSE -> out.add(new CloseWebSocketFrame(true, 0, payload));
            case OP_PING -> out.add(new PingWebSocketFrame(payload));
            default -> out.add(new PongWebSocketFrame(payload));
        }
        return true;
    }

    /** XORs the payload with the frame's mask, eight bytes at a time, continuing at {@link #maskOffset}. */
    private void unmask(ByteBuf payload) {
        int i = payload.readerIndex();
        int end = payload.writerIndex();
        int shift = (int) (maskOffset & 3);
        int rotated = shift == 0 ? mask : Integer.rotateLeft(mask, shift * 8);
        long mask64 = ((long) rotated << 32) | (rotated & 0xffffffffL);
        if (UNSAFE_MEMORY && payload.hasMemoryAddress()) {
            // Straight on the memory: the ByteBuf accessors' bounds checks cost more than the XOR itself.
            long address = payload.memoryAddress();
            long nativeMask = PlatformDependent.BIG_ENDIAN_NATIVE_ORDER ? mask64 : Long.reverseBytes(mask64);
            // Four words per turn: the launcher's C1-only JIT does not unroll loops (64 KiB: 5.5 -> 3.7 us).
            long p = address + i;
            long stop = address + end;
            for (; p + 32 <= stop; p += 32) {
                PlatformDependent.putLong(p, PlatformDependent.getLong(p) ^ nativeMask);
                PlatformDependent.putLong(p + 8, PlatformDependent.getLong(p + 8) ^ nativeMask);
                PlatformDependent.putLong(p + 16, PlatformDependent.getLong(p + 16) ^ nativeMask);
                PlatformDependent.putLong(p + 24, PlatformDependent.getLong(p + 24) ^ nativeMask);
            }
            for (; p + 8 <= stop; p += 8) {
                PlatformDependent.putLong(p, PlatformDependent.getLong(p) ^ nativeMask);
            }
            i = (int) (p - address);
        } else {
            for (; i + 8 <= end; i += 8) {
                payload.setLong(i, payload.getLong(i) ^ mask64);
            }
        }
        int k = 0;
        for (; i < end; i++, k++) {
            int maskByte = (rotated >>> (24 - 8 * (k & 3))) & 0xff;
            payload.setByte(i, payload.getByte(i) ^ maskByte);
        }
        maskOffset += payload.readableBytes();
    }

    private ProtocolViolation fail(String reason) {
        state = State.FAILED;
        return new ProtocolViolation(CloseCodes.PROTOCOL_ERROR, reason);
    }
}
