package io.wsbridge.framing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;

/**
 * --passstderr: each line of one output stream becomes one text message {"stream":"NAME","data":"LINE"},
 * with the line rules of {@link LineFramer} ("\n" or "\r\n" removed, a last line without newline delivered
 * at the end, invalid UTF-8 replaced with U+FFFD) and the line JSON-escaped. stdout and stderr each have
 * their own framer, and every message is whole, so the two streams can interleave between messages while
 * each keeps its order.
 *
 * <p>Long lines: a line is held until its newline up to {@link LineFramer#STREAM_THRESHOLD} (64 KiB); a
 * longer one is sent in pieces as it arrives, each piece a message of its own marked
 * {@code "partial":true} except the last, so memory stays bounded and the line can be put back together.
 * (One message per line would need the whole line in memory, or would block the other stream behind an
 * unfinished fragmented message.)
 */
public final class TaggedLineFramer implements OutputFramer {
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "\"}".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END_PARTIAL = "\",\"partial\":true}".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LINE_SEPARATOR = "\\u2028".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PARAGRAPH_SEPARATOR = "\\u2029".getBytes(StandardCharsets.US_ASCII);

    private final byte[] prefix;
    private final ByteBufAllocator alloc;
    private final LineFramer lines;
    /** Where the current call's messages go (LineFramer hands its pieces to {@link #piece}). */
    private MessageSink target;
    private final MessageSink pieces = this::piece;

    /** @param stream the stream's name in the messages: "stdout" or "stderr" */
    public TaggedLineFramer(String stream, ByteBufAllocator alloc) {
        this.prefix = ("{\"stream\":\"" + stream + "\",\"data\":\"").getBytes(StandardCharsets.UTF_8);
        this.alloc = alloc;
        this.lines = new LineFramer(alloc);
    }

    @Override
    public void frame(ByteBuf chunk, MessageSink sink) {
        target = sink;
        try {
            lines.frame(chunk, pieces);
        } finally {
            target = null;
        }
    }

    @Override
    public void finish(MessageSink sink) {
        target = sink;
        try {
            lines.finish(pieces);
        } finally {
            target = null;
        }
    }

    @Override
    public void discard() {
        lines.discard();
    }

    /** A piece of a line from LineFramer (valid UTF-8): {@code last} when the line ends with it. */
    private void piece(ByteBuf text, boolean binary, boolean first, boolean last) {
        try {
            ByteBuf message = alloc.buffer(prefix.length + text.readableBytes() + END_PARTIAL.length + 16);
            message.writeBytes(prefix);
            escape(text, message);
            message.writeBytes(last ? END : END_PARTIAL);
            target.fragment(message, false, true, true);
        } finally {
            text.release();
        }
    }

    /**
     * Writes UTF-8 {@code text} as the inside of a JSON string: quote, backslash and control characters
     * escaped (RFC 8259), and U+2028/U+2029 too, so the message is also safe to embed in JavaScript.
     */
    static void escape(ByteBuf text, ByteBuf out) {
        int end = text.writerIndex();
        for (int i = text.readerIndex(); i < end; i++) {
            byte b = text.getByte(i);
            switch (b) {
                case '"' -> out.writeByte('\\').writeByte('"');
                case '\\' -> out.writeByte('\\').writeByte('\\');
                case '\n' -> out.writeByte('\\').writeByte('n');
                case '\r' -> out.writeByte('\\').writeByte('r');
                case '\t' -> out.writeByte('\\').writeByte('t');
                case '\b' -> out.writeByte('\\').writeByte('b');
                case '\f' -> out.writeByte('\\').writeByte('f');
                default -> {
                    if (b >= 0 && b < 0x20) {
                        out.writeByte('\\').writeByte('u').writeByte('0').writeByte('0')
                                .writeByte(HEX[b >> 4]).writeByte(HEX[b & 0xf]);
                    } else if (b == (byte) 0xE2 && i + 2 < end && text.getByte(i + 1) == (byte) 0x80
                            && (text.getByte(i + 2) == (byte) 0xA8 || text.getByte(i + 2) == (byte) 0xA9)) {
                        out.writeBytes(text.getByte(i + 2) == (byte) 0xA8 ? LINE_SEPARATOR : PARAGRAPH_SEPARATOR);
                        i += 2;
                    } else {
                        out.writeByte(b);
                    }
                }
            }
        }
    }
}
