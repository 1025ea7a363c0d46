package io.wsbridge.framing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The program side of --framing=lengthprefixed and --framing=nul, fed in every split there is. */
class LengthPrefixedFramerTest {
    record Message(boolean binary, String hex) {
    }

    private final List<Message> messages = new ArrayList<>();
    /** Every chunk fed in: all must be released once the framer is done with them. */
    private final List<ByteBuf> fed = new ArrayList<>();
    private ByteArrayOutputStream current;
    private boolean currentBinary;
    private final MessageSink sink = (payload, binary, first, last) -> {
        assertThat(first).isEqualTo(current == null);
        if (first) {
            current = new ByteArrayOutputStream();
            currentBinary = binary;
        }
        current.writeBytes(ByteBufUtil.getBytes(payload));
        payload.release();
        if (last) {
            messages.add(new Message(currentBinary, ByteBufUtil.hexDump(current.toByteArray())));
            current = null;
        }
    };

    private static byte[] header(int length, boolean binary) {
        int h = binary ? length | 0x8000_0000 : length;
        return new byte[] {(byte) (h >>> 24), (byte) (h >>> 16), (byte) (h >>> 8), (byte) h};
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static final byte[] STREAM = concat(
            header(5, false), "hello".getBytes(StandardCharsets.UTF_8),
            header(0, false),
            header(3, true), new byte[] {0, (byte) 0xff, '\n'},
            header(0, true),
            header(4, false), "a\nb\0".getBytes(StandardCharsets.UTF_8),
            header(2, false), "é".getBytes(StandardCharsets.UTF_8));

    private static final List<Message> EXPECTED = List.of(
            new Message(false, "68656c6c6f"), new Message(false, ""), new Message(true, "00ff0a"),
            new Message(true, ""), new Message(false, "610a6200"), new Message(false, "c3a9"));

    @ParameterizedTest(name = "in pieces of {0} bytes")
    @ValueSource(ints = {1, 2, 3, 4, 5, 7, 1000})
    void everySplitGivesTheSameMessages(int piece) {
        LengthPrefixedFramer framer = new LengthPrefixedFramer(ByteBufAllocator.DEFAULT, 1 << 20);
        for (int i = 0; i < STREAM.length; i += piece) {
            framer.frame(in(java.util.Arrays.copyOfRange(STREAM, i, Math.min(i + piece, STREAM.length))), sink);
        }
        framer.finish(sink);
        assertThat(messages).containsExactlyElementsOf(EXPECTED);
        assertReleased();
    }

    @Test
    void invalidUtf8InTextIsReplacedButBinaryIsUntouched() {
        LengthPrefixedFramer framer = new LengthPrefixedFramer(ByteBufAllocator.DEFAULT, 100);
        framer.frame(in(concat(header(2, false), new byte[] {'a', (byte) 0xff},
                header(2, true), new byte[] {'a', (byte) 0xff}, header(1, false), new byte[] {(byte) 0xc3})),
                sink);
        assertThat(messages).containsExactly(new Message(false, "61efbfbd"), new Message(true, "61ff"),
                new Message(false, "efbfbd"));
        assertReleased();
    }

    @Test
    void aHeaderOverTheLimitIsTheProgramsError() {
        LengthPrefixedFramer framer = new LengthPrefixedFramer(ByteBufAllocator.DEFAULT, 100);
        framer.frame(in(concat(header(100, true), new byte[100])), sink);
        assertThatThrownBy(() -> framer.frame(in(header(101, false)), sink))
                .isInstanceOf(ProgramFramingError.class).hasMessageContaining("101-byte message");
        assertThat(messages).hasSize(1);
        assertReleased();
    }

    @Test
    void outputEndingInsideAHeaderOrAPayloadIsTheProgramsError() {
        LengthPrefixedFramer inHeader = new LengthPrefixedFramer(ByteBufAllocator.DEFAULT, 100);
        inHeader.frame(in(new byte[] {0, 0}), sink);
        assertThatThrownBy(() -> inHeader.finish(sink)).isInstanceOf(ProgramFramingError.class)
                .hasMessageContaining("header (2 of 4 bytes)");

        LengthPrefixedFramer inPayload = new LengthPrefixedFramer(ByteBufAllocator.DEFAULT, 100);
        inPayload.frame(in(concat(header(10, true), new byte[4])), sink);
        assertThatThrownBy(() -> inPayload.finish(sink)).isInstanceOf(ProgramFramingError.class)
                .hasMessageContaining("6 bytes missing");
        assertReleased();
    }

    @Test
    void nulFramingEndsMessagesAtNulAndKeepsNewlinesAndCarriageReturns() {
        LineFramer framer = LineFramer.nulTerminated(ByteBufAllocator.DEFAULT);
        framer.frame(in("a\nb\0\0c\r\0d\r".getBytes(StandardCharsets.UTF_8)), sink);
        framer.finish(sink);
        assertThat(messages).extracting(Message::hex).containsExactly("610a62", "", "630d", "640d");
        assertReleased();
    }

    private ByteBuf in(byte[] bytes) {
        ByteBuf b = Unpooled.copiedBuffer(bytes);
        fed.add(b);
        return b;
    }

    private void assertReleased() {
        assertThat(fed).isNotEmpty().allMatch(b -> b.refCnt() == 0);
    }
}
