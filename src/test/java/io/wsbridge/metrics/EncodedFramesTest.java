package io.wsbridge.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Messages and payload bytes read from the headers of frames a room encoded: one row per case. */
class EncodedFramesTest {
    /** A server frame: FIN bit, opcode, the shortest length encoding, {@code length} payload bytes. */
    private static void frame(ByteBuf out, boolean fin, int opcode, int length) {
        out.writeByte((fin ? 0x80 : 0) | opcode);
        if (length < 126) {
            out.writeByte(length);
        } else if (length <= 0xFFFF) {
            out.writeByte(126).writeShort(length);
        } else {
            out.writeByte(127).writeLong(length);
        }
        out.writeZero(length);
    }

    private static ByteBuf frames(int[]... specs) {
        ByteBuf out = Unpooled.buffer();
        for (int[] f : specs) {
            frame(out, f[0] == 1, f[1], f[2]);
        }
        return out;
    }

    private static int[] f(boolean fin, int opcode, int length) {
        return new int[] {fin ? 1 : 0, opcode, length};
    }

    static Stream<Arguments> rows() {
        return Stream.of(
                Arguments.of("nothing", frames(), 0, 0L),
                Arguments.of("one empty text message", frames(f(true, 1, 0)), 1, 0L),
                Arguments.of("text and binary", frames(f(true, 1, 5), f(true, 2, 3)), 2, 8L),
                Arguments.of("16-bit length", frames(f(true, 1, 126), f(true, 2, 65535)), 2, 126L + 65535),
                Arguments.of("64-bit length", frames(f(true, 2, 70000)), 1, 70000L),
                Arguments.of("a message in three pieces", frames(f(false, 1, 10), f(false, 0, 10), f(true, 0, 1)),
                        1, 21L),
                Arguments.of("a piece whose message ends later", frames(f(false, 2, 100)), 0, 100L),
                Arguments.of("the end of a message begun earlier", frames(f(true, 0, 4)), 1, 4L),
                Arguments.of("control frames carry no message", frames(f(true, 9, 4), f(true, 1, 2), f(true, 8, 2)),
                        1, 2L));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void countsMessagesAndPayloadBytes(String name, ByteBuf frames, int messages, long bytes) {
        int before = frames.readerIndex();
        assertThat(EncodedFrames.count(frames)).isEqualTo(new EncodedFrames.Count(messages, bytes));
        assertThat(frames.readerIndex()).as("nothing consumed").isEqualTo(before);
    }

    @ParameterizedTest(name = "cut after {0} bytes")
    @MethodSource("cuts")
    void anIncompleteFrameEndsTheCount(int keep) {
        ByteBuf whole = frames(f(true, 1, 3), f(true, 1, 300));
        ByteBuf cut = whole.slice(0, keep);
        assertThat(EncodedFrames.count(cut)).isEqualTo(new EncodedFrames.Count(1, 3));
    }

    static Stream<Integer> cuts() {
        return Stream.of(5, 6, 7, 9, 5 + 4 + 299);
    }
}
