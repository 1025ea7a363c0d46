package io.wsbridge.framing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.wsbridge.utf8.Utf8Sanitizer;

/**
 * Line mode: each line of output becomes one text message, without its "\n" or "\r\n"; an empty line is an
 * empty message. Lines are sliced out of the read buffer without copying. A line longer than
 * {@link #STREAM_THRESHOLD} is not held whole: it is streamed as a fragmented message whose last fragment
 * goes out when the newline arrives, so a 100 MB line needs no more memory than a short one. A last line
 * without a newline is delivered when the output ends. Bytes that are not UTF-8 are replaced (see
 * {@link Utf8Sanitizer}).
 */
public final class LineFramer implements OutputFramer {
    /** Longest line held back whole before it is streamed in fragments. */
    public static final int STREAM_THRESHOLD = 64 * 1024;
    private static final byte CR = '\r';

    private final ByteBufAllocator alloc;
    /** What ends a message: '\n', or NUL with --framing=nul. */
    private final byte delimiter;
    /** Line mode: a '\r' before the '\n' is not part of the message. */
    private final boolean crlf;
    private final Utf8Sanitizer utf8 = new Utf8Sanitizer();
    /** The start of a line whose newline has not arrived (not yet streaming). */
    private ByteBuf partial;
    /** The current line's first fragment has been sent. */
    private boolean streaming;
    /** Streaming: the last fragment ended in '\r', held back in case it is half of "\r\n". */
    private boolean heldCr;

    public LineFramer(ByteBufAllocator alloc) {
        this(alloc, (byte) '\n', true);
    }

    /**
     * @param delimiter the byte that ends a message
     * @param crlf      whether a '\r' right before the delimiter is dropped too (lines: yes; NUL: no)
     */
    public LineFramer(ByteBufAllocator alloc, byte delimiter, boolean crlf) {
        this.alloc = alloc;
        this.delimiter = delimiter;
        this.crlf = crlf;
    }

    /** --framing=nul: messages end with a NUL byte; everything else, '\r' included, is content. */
    public static LineFramer nulTerminated(ByteBufAllocator alloc) {
        return new LineFramer(alloc, (byte) 0, false);
    }

    @Override
    public void frame(ByteBuf chunk, MessageSink sink) {
        try {
            int from = chunk.readerIndex();
            int end = chunk.writerIndex();
            while (from < end) {
                int nl = chunk.indexOf(from, end, delimiter);
                if (nl < 0) {
                    unfinishedLine(chunk.retainedSlice(from, end - from), sink);
                    return;
                }
                endOfLine(chunk.retainedSlice(from, nl - from), sink);
                from = nl + 1;
            }
        } finally {
            chunk.release();
        }
    }

    /** {@code piece} is the rest of the current line, up to (not including) its '\n'. */
    private void endOfLine(ByteBuf piece, MessageSink sink) {
        if (streaming) {
            boolean crWasContent = heldCr && piece.isReadable();
            ByteBuf payload = stripCr(piece);
            if (crWasContent) {
                payload = prependCr(payload);
            }
            heldCr = false;
            streaming = false;
            send(payload, false, true, sink);
        } else if (partial != null) {
            ByteBuf line = partial;
            partial = null;
            line.writeBytes(piece);
            piece.release();
            send(stripCr(line), true, true, sink);
        } else {
            send(stripCr(piece), true, true, sink);
        }
    }

    /** {@code rest} is output after the last newline of a chunk: the start (or middle) of a line. */
    private void unfinishedLine(ByteBuf rest, MessageSink sink) {
        if (streaming) {
            ByteBuf payload = heldCr ? prependCr(rest) : rest;
            heldCr = endsWithCr(payload);
            send(heldCr ? stripCr(payload) : payload, false, false, sink);
            return;
        }
        if (partial == null) {
            partial = alloc.buffer(Math.max(256, rest.readableBytes()));
        }
        partial.writeBytes(rest);
        rest.release();
        if (partial.readableBytes() >= STREAM_THRESHOLD) {
            ByteBuf head = partial;
            partial = null;
            streaming = true;
            heldCr = endsWithCr(head);
            send(heldCr ? stripCr(head) : head, true, false, sink);
        }
    }

    @Override
    public void finish(MessageSink sink) {
        if (streaming) {
            streaming = false;
            heldCr = false;
            send(alloc.buffer(0), false, true, sink);
        } else if (partial != null) {
            ByteBuf line = partial;
            partial = null;
            send(stripCr(line), true, true, sink);
        }
    }

    @Override
    public void discard() {
        if (partial != null) {
            partial.release();
            partial = null;
        }
        streaming = false;
        heldCr = false;
    }

    private void send(ByteBuf payload, boolean first, boolean last, MessageSink sink) {
        sink.fragment(utf8.sanitize(payload, last, alloc), false, first, last);
    }

    private boolean endsWithCr(ByteBuf b) {
        return crlf && b.isReadable() && b.getByte(b.writerIndex() - 1) == CR;
    }

    private ByteBuf stripCr(ByteBuf b) {
        if (endsWithCr(b)) {
            b.writerIndex(b.writerIndex() - 1);
        }
        return b;
    }

    private ByteBuf prependCr(ByteBuf b) {
        ByteBuf out = alloc.buffer(b.readableBytes() + 1);
        out.writeByte(CR).writeBytes(b);
        b.release();
        return out;
    }
}
