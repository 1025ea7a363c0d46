package io.wsbridge.deflate;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.ByteBuffer;
import java.util.zip.Deflater;

/**
 * Compresses outgoing messages as RFC 7692 section 7.2.1 says, one fragment at a time: each fragment is
 * deflated and sync-flushed, so it goes out as soon as it is compressed (a streamed message stays streamed),
 * and the 0x00 0x00 0xff 0xff that ends the message's last flush is removed. The zlib stream, and with it the
 * LZ77 window, carries over from message to message unless server_no_context_takeover was agreed.
 *
 * <p>java.util.zip always uses a 32 KiB window (15 bits). When the client asked for a smaller one
 * (server_max_window_bits=N), the deflater is reset at the start of every message and after every 2^N input
 * bytes, right after a flush: no back-reference can then reach further than 2^N-1 bytes, and the output is
 * still one valid deflate stream (a sync flush ends on a byte boundary, and the fresh deflater's blocks simply
 * follow).
 *
 * <p>Native memory: one zlib deflate state, about 256 KiB at the default memory level, from the first message
 * on; {@link #close()} frees it.
 */
public final class MessageDeflater implements AutoCloseable {
    /**
     * zlib's default level, as browsers use: on chat-like JSON lines (about 100 bytes, window carried over) it
     * gives 5.0x where level 1 gives 3.5x, for a few microseconds more per message.
     */
    static final int LEVEL = Deflater.DEFAULT_COMPRESSION;
    private static final int TAIL = 4;

    private final ByteBufAllocator alloc;
    private final boolean noContextTakeover;
    /** Input bytes after which the deflater must forget (2^server_max_window_bits), or 0 for never. */
    private final int segment;
    private Deflater deflater;
    private int segmentUsed;

    public MessageDeflater(DeflateParameters parameters, ByteBufAllocator alloc) {
        this.alloc = alloc;
        this.noContextTakeover = parameters.serverNoContextTakeover();
        this.segment = parameters.serverMaxWindowBits() < 15 ? 1 << parameters.serverMaxWindowBits() : 0;
    }

    /**
     * Compresses one fragment of a message (does not take ownership of {@code payload}).
     *
     * @param first whether it is the message's first fragment
     * @param last  whether it is the message's last fragment
     */
    public ByteBuf compress(ByteBuf payload, boolean first, boolean last) {
        if (deflater == null) {
            deflater = new Deflater(LEVEL, true);
        } else if (first && (noContextTakeover || segment > 0)) {
            deflater.reset();
            segmentUsed = 0;
        }
        ByteBuf out = alloc.directBuffer(payload.readableBytes() / 2 + 64);
        int index = payload.readerIndex();
        int end = payload.writerIndex();
        if (segment == 0) {
            deflate(payload.nioBuffer(index, end - index), out);
        } else {
            do {
                int n = Math.min(end - index, segment - segmentUsed);
                deflate(payload.nioBuffer(index, n), out);
                index += n;
                segmentUsed += n;
                if (segmentUsed == segment) {
                    deflater.reset(); // right after a flush: the next bytes cannot refer back past here
                    segmentUsed = 0;
                }
            } while (index < end);
        }
        if (last) {
            if (endsWithEmptyBlock(out)) {
                out.writerIndex(out.writerIndex() - TAIL);
            } else if (!out.isReadable()) {
                // Nothing new since the previous fragment's flush: a lone 0x00 is what, with the tail the
                // client adds back, makes an empty stored block (RFC 7692 7.2.3.6).
                out.writeByte(0);
            }
        }
        return out;
    }

    /** Deflates all of {@code in} into {@code out} with a sync flush, growing {@code out} as needed. */
    private void deflate(ByteBuffer in, ByteBuf out) {
        deflater.setInput(in);
        while (true) {
            out.ensureWritable(Math.max(64, in.remaining() / 2 + 16));
            int space = out.writableBytes();
            int n = deflater.deflate(out.nioBuffer(out.writerIndex(), space), Deflater.SYNC_FLUSH);
            out.writerIndex(out.writerIndex() + n);
            if (n < space) {
                return; // the flush completed with room to spare
            }
        }
    }

    private static boolean endsWithEmptyBlock(ByteBuf out) {
        int w = out.writerIndex();
        return out.readableBytes() >= TAIL && out.getInt(w - TAIL) == 0x0000ffff;
    }

    /** Whether a deflate state is allocated (it is from the first message until {@link #close()}). */
    public boolean allocated() {
        return deflater != null;
    }

    @Override
    public void close() {
        if (deflater != null) {
            deflater.end();
            deflater = null;
        }
    }
}
