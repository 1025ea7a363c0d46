package io.wsbridge.framing;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The JSON of --passstderr messages, byte for byte, and that every buffer is released. */
class TaggedLineFramerTest {
    private final List<String> sent = new ArrayList<>();
    private final MessageSink sink = (payload, binary, first, last) -> {
        assertThat(binary).isFalse();
        assertThat(first && last).as("every message whole").isTrue();
        sent.add(payload.toString(StandardCharsets.UTF_8));
        payload.release();
    };

    private static ByteBuf bytes(byte... b) {
        return Unpooled.wrappedBuffer(b);
    }

    @Test
    void everyControlCharacterIsEscaped() {
        TaggedLineFramer framer = new TaggedLineFramer("stderr", UnpooledByteBufAllocator.DEFAULT);
        byte[] line = new byte[33];
        for (int i = 0; i < 32; i++) {
            line[i] = (byte) (i == '\n' ? 'N' : i);
        }
        line[32] = '\n';
        ByteBuf in = bytes(line);
        framer.frame(in, sink);
        assertThat(in.refCnt()).isZero();
        assertThat(sent).containsExactly("{\"stream\":\"stderr\",\"data\":\"\\u0000\\u0001\\u0002\\u0003\\u0004\\u0005"
                + "\\u0006\\u0007\\b\\tN\\u000b\\f\\r\\u000e\\u000f\\u0010\\u0011\\u0012\\u0013\\u0014\\u0015\\u0016"
                + "\\u0017\\u0018\\u0019\\u001a\\u001b\\u001c\\u001d\\u001e\\u001f\"}");
    }

    @Test
    void quotesBackslashesSeparatorsAndSplitUtf8() {
        TaggedLineFramer framer = new TaggedLineFramer("stdout", UnpooledByteBufAllocator.DEFAULT);
        byte[] text = "\"\\ \u2028\u2029 é\n".getBytes(StandardCharsets.UTF_8);
        // split inside the two-byte 'é' and inside U+2028
        framer.frame(bytes(java.util.Arrays.copyOfRange(text, 0, 4)), sink);
        framer.frame(bytes(java.util.Arrays.copyOfRange(text, 4, text.length - 2)), sink);
        framer.frame(bytes(java.util.Arrays.copyOfRange(text, text.length - 2, text.length)), sink);
        framer.frame(bytes((byte) 'x', (byte) 0xff), sink);
        framer.finish(sink);
        assertThat(sent).containsExactly("{\"stream\":\"stdout\",\"data\":\"\\\"\\\\ \\u2028\\u2029 é\"}",
                "{\"stream\":\"stdout\",\"data\":\"x\uFFFD\"}");
    }

    @Test
    void discardDropsAHeldLine() {
        TaggedLineFramer framer = new TaggedLineFramer("stdout", UnpooledByteBufAllocator.DEFAULT);
        framer.frame(bytes((byte) 'a'), sink);
        framer.discard();
        framer.finish(sink);
        assertThat(sent).isEmpty();
    }
}
