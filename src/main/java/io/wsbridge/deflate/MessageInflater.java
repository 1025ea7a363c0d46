package io.wsbridge.deflate;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.ByteBuffer;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Decompresses incoming compressed messages (RFC 7692 section 7.2.2) piece by piece, never more than
 * {@link #CHUNK} bytes of output at a time, so a large or malicious message is passed on in bounded chunks
 * and whoever consumes them can stop it (--maxframesize) before it grows. The client's window carries over
 * between messages (we never ask for client_no_context_takeover); java.util.zip inflates any window size.
 *
 * <p>Native memory: one zlib inflate state with its 32 KiB window, about 40 KiB, from the first compressed
 * message on; {@link #close()} frees it.
 */
public final class MessageInflater implements AutoCloseable {
    /** Largest piece of output produced at once. */
    public static final int CHUNK = 64 * 1024;
    private static final byte[] TAIL = {0, 0, (byte) 0xff, (byte) 0xff};

    private final ByteBufAllocator alloc;
    private Inflater inflater;
    private ByteBuffer input;
    private boolean tailPending;

    public MessageInflater(ByteBufAllocator alloc) {
        this.alloc = alloc;
    }

    /**
     * Sets the next piece of compressed input (which must stay valid until {@link #next} returns null).
     *
     * @param last whether it ends the message (then the removed 0x00 0x00 0xff 0xff is added back)
     */
    public void input(ByteBuffer compressed, boolean last) {
        if (inflater == null) {
            inflater = new Inflater(true);
        }
        input = compressed;
        tailPending = last;
        inflater.setInput(compressed);
    }

    /**
     * The next piece of output, at most {@code max} bytes (and at most {@link #CHUNK}), or null when the input
     * given so far is used up.
     *
     * @throws DataFormatException when the input is not a valid deflate stream
     */
    public ByteBuf next(int max) throws DataFormatException {
        int size = Math.max(1, Math.min(max, CHUNK));
        while (true) {
            if (inflater.finished()) {
                // The client ended its stream with a final block (allowed): anything after it, the tail
                // included, is ignored and its next message starts a fresh stream.
                input.position(input.limit());
                tailPending = false;
                inflater.reset();
                return null;
            }
            if (inflater.needsInput()) {
                if (!tailPending) {
                    return null;
                }
                tailPending = false;
                input = ByteBuffer.wrap(TAIL);
                inflater.setInput(input);
            }
            ByteBuf out = alloc.directBuffer(size, size);
            int n;
            try {
                n = inflater.inflate(out.nioBuffer(0, size));
            } catch (DataFormatException e) {
                out.release();
                throw e;
            }
            if (n > 0) {
                return out.writerIndex(n);
            }
            out.release();
            if (inflater.needsDictionary()) {
                throw new DataFormatException("deflate stream asks for a preset dictionary");
            }
            if (!inflater.needsInput() && !inflater.finished()) {
                throw new DataFormatException("deflate stream makes no progress");
            }
        }
    }

    /** Whether an inflate state is allocated (from the first compressed message until {@link #close()}). */
    public boolean allocated() {
        return inflater != null;
    }

    @Override
    public void close() {
        if (inflater != null) {
            inflater.end();
            inflater = null;
        }
    }
}
