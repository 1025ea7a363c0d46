package io.wsbridge.utf8;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Utf8Test {
    private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    private static String sanitize(byte[]... fragments) {
        Utf8Sanitizer s = new Utf8Sanitizer();
        StringBuilder out = new StringBuilder();
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < fragments.length; i++) {
            ByteBuf result = s.sanitize(Unpooled.copiedBuffer(fragments[i]), i == fragments.length - 1, ALLOC);
            byte[] b = new byte[result.readableBytes()];
            result.readBytes(b);
            result.release();
            all.writeBytes(b);
        }
        out.append(new String(all.toByteArray(), StandardCharsets.UTF_8));
        // whatever came out must itself be valid UTF-8
        Utf8Validator v = new Utf8Validator();
        assertThat(v.feed(Unpooled.wrappedBuffer(all.toByteArray())) && v.endOfMessage()).isTrue();
        return out.toString();
    }

    @Test
    void validTextPassesThroughUntouchedAndWithoutACopy() {
        ByteBuf in = Unpooled.copiedBuffer("héllo ✓ 𝄞 plain ascii text", StandardCharsets.UTF_8);
        ByteBuf out = new Utf8Sanitizer().sanitize(in, true, ALLOC);
        assertThat(out).isSameAs(in);
        out.release();
    }

    @Test
    void illFormedSequencesBecomeOneReplacementPerMaximalSubpart() {
        assertThat(sanitize(bytes('a', 0xFF, 'b'))).isEqualTo("a\uFFFDb");
        assertThat(sanitize(bytes(0xC3, 'x'))).isEqualTo("\uFFFDx");
        assertThat(sanitize(bytes(0xE2, 0x82, 'x'))).isEqualTo("\uFFFDx"); // truncated 3-byte: one U+FFFD
        assertThat(sanitize(bytes(0xC0, 0xAF))).isEqualTo("\uFFFD\uFFFD"); // overlong
        assertThat(sanitize(bytes(0xED, 0xA0, 0x80))).isEqualTo("\uFFFD\uFFFD\uFFFD"); // surrogate
        assertThat(sanitize(bytes(0xED, 0xBC, 'B'))).isEqualTo("\uFFFD\uFFFDB"); // as browsers decode it
        assertThat(sanitize(bytes(0xF4, 0x90, 0x80, 0x80))).isEqualTo("\uFFFD\uFFFD\uFFFD\uFFFD"); // > U+10FFFF
        assertThat(sanitize(bytes(0x80, 0x80))).isEqualTo("\uFFFD\uFFFD");
        assertThat(sanitize(bytes('o', 'k', 0xE2, 0x82))).isEqualTo("ok\uFFFD"); // cut at the end of the message
    }

    @Test
    void aSequenceSplitAcrossFragmentsIsJoinedNotReplaced() {
        byte[] euro = "€".getBytes(StandardCharsets.UTF_8);
        assertThat(sanitize(bytes('a', euro[0]), bytes(euro[1]), bytes(euro[2], 'b'))).isEqualTo("a€b");
        assertThat(sanitize(bytes('a', euro[0], euro[1]), bytes('x'))).isEqualTo("a\uFFFDx");
    }

    @Test
    void sanitizerAgreesWithTheJdkDecoderOnRandomInputWhereTheyShareRules() {
        Random r = new Random(42);
        for (int round = 0; round < 2000; round++) {
            byte[] b = new byte[r.nextInt(40)];
            for (int i = 0; i < b.length; i++) {
                // mostly interesting bytes: ASCII, continuation, lead bytes
                int pick = r.nextInt(4);
                b[i] = (byte) (pick == 0 ? r.nextInt(128) : pick == 1 ? 0x80 + r.nextInt(64) : 0xC0 + r.nextInt(64));
                if (b[i] == (byte) 0xE0 || b[i] == (byte) 0xED || b[i] == (byte) 0xF0 || b[i] == (byte) 0xF4) {
                    b[i] = 'x'; // the JDK splits these leads differently from browsers (WHATWG); tested above
                }
            }
            assertThat(sanitize(b)).as("input %s", java.util.HexFormat.of().formatHex(b))
                    .isEqualTo(new String(b, StandardCharsets.UTF_8));
        }
    }

    @Test
    void validatorFollowsSequencesAcrossPiecesAndRejectsWhatIsNotUtf8() {
        Utf8Validator v = new Utf8Validator();
        assertThat(v.feed(Unpooled.wrappedBuffer(bytes('a', 0xF0, 0x9F)))).isTrue();
        assertThat(v.feed(Unpooled.wrappedBuffer(bytes(0x98, 0x80, 'b')))).isTrue();
        assertThat(v.endOfMessage()).isTrue();
        assertThat(v.feed(Unpooled.wrappedBuffer(bytes(0xE2, 0x82)))).isTrue();
        assertThat(v.endOfMessage()).as("unfinished at the end").isFalse();
        assertThat(new Utf8Validator().feed(Unpooled.wrappedBuffer(bytes(0xC0, 0x80)))).isFalse();
        assertThat(new Utf8Validator().feed(Unpooled.wrappedBuffer(bytes(0xED, 0xBF, 0xBF)))).isFalse();
        byte[] longAscii = "0123456789abcdefghijklmnopqrstuvwxyz0123456789".getBytes(StandardCharsets.US_ASCII);
        assertThat(new Utf8Validator().feed(Unpooled.wrappedBuffer(longAscii))).isTrue();
    }
}
