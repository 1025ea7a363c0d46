package io.wsbridge.framing;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineFramerTest {
    record Fragment(String text, boolean first, boolean last) {
    }

    private final List<Fragment> sent = new ArrayList<>();
    private final MessageSink sink = (payload, binary, first, last) -> {
        sent.add(new Fragment(payload.toString(StandardCharsets.UTF_8), first, last));
        payload.release();
    };
    private final LineFramer framer = new LineFramer(ByteBufAllocator.DEFAULT);

    private void feed(String s) {
        framer.frame(Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1), sink);
    }

    /** Whole messages, fragments joined. */
    private List<String> messages() {
        List<String> out = new ArrayList<>();
        StringBuilder current = null;
        for (Fragment f : sent) {
            if (f.first()) {
                current = new StringBuilder();
            }
            current.append(f.text());
            if (f.last()) {
                out.add(current.toString());
            }
        }
        return out;
    }

    @Test
    void linesInOneChunkAreSeparateMessages() {
        feed("a\nbb\n\nccc\n");
        assertThat(sent).allMatch(f -> f.first() && f.last());
        assertThat(messages()).containsExactly("a", "bb", "", "ccc");
    }

    @Test
    void lineEndingsAreRemovedButOtherCarriageReturnsKept() {
        feed("a\r\nb\r\r\nc\rd\n");
        assertThat(messages()).containsExactly("a", "b\r", "c\rd");
    }

    @Test
    void aLineSplitAcrossReadsIsOneMessage() {
        feed("hel");
        feed("lo wor");
        assertThat(sent).isEmpty();
        feed("ld\r");
        feed("\nnext\n");
        assertThat(messages()).containsExactly("hello world", "next");
        assertThat(sent).allMatch(f -> f.first() && f.last());
    }

    @Test
    void aFinalLineWithoutNewlineIsDeliveredAtTheEnd() {
        feed("one\ntwo");
        framer.finish(sink);
        assertThat(messages()).containsExactly("one", "two");
    }

    @Test
    void aVeryLongLineIsStreamedInFragmentsWithoutHoldingItWhole() {
        String chunk = "x".repeat(40_000);
        int before;
        feed(chunk);
        feed(chunk); // 80 000 bytes: over the threshold, streaming starts
        before = sent.size();
        assertThat(before).isGreaterThanOrEqualTo(1);
        assertThat(sent.get(0).first()).isTrue();
        assertThat(sent.get(0).last()).isFalse();
        for (int i = 0; i < 50; i++) {
            feed(chunk); // each further read goes out at once
        }
        assertThat(sent.size()).isEqualTo(before + 50);
        feed("end\r");
        feed("\nnext\n");
        List<String> m = messages();
        assertThat(m).hasSize(2);
        assertThat(m.get(0)).hasSize(52 * 40_000 + 3).endsWith("xend");
        assertThat(m.get(1)).isEqualTo("next");
    }

    @Test
    void aCarriageReturnEndingAStreamedFragmentIsContentUnlessANewlineFollows() {
        String big = "y".repeat(LineFramer.STREAM_THRESHOLD);
        feed(big + "\r");
        feed("z\n");
        assertThat(messages()).containsExactly(big + "\rz");
        sent.clear();
        feed(big + "\r");
        feed("\n");
        assertThat(messages()).containsExactly(big);
    }

    @Test
    void invalidUtf8IsReplacedAndSplitCharactersSurviveReadBoundaries() {
        byte[] euro = "€".getBytes(StandardCharsets.UTF_8);
        framer.frame(Unpooled.wrappedBuffer(new byte[] {'a', euro[0]}), sink);
        framer.frame(Unpooled.wrappedBuffer(new byte[] {euro[1], euro[2], '\n', (byte) 0xFF, '\n'}), sink);
        assertThat(messages()).containsExactly("a€", "\uFFFD");
    }

    @Test
    void discardDropsWhatIsHeld() {
        feed("partial");
        framer.discard();
        framer.finish(sink);
        assertThat(sent).isEmpty();
    }
}
