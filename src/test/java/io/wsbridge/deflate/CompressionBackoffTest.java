package io.wsbridge.deflate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which messages are compressed, as a string: C compressed, - sent as it is. */
class CompressionBackoffTest {
    private static String run(int messages, long in, long out) {
        CompressionBackoff b = new CompressionBackoff();
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < messages; i++) {
            if (b.compressNext()) {
                s.append('C');
                b.compressed(in, out);
            } else {
                s.append('-');
            }
        }
        return s.toString();
    }

    @Test
    void textThatShrinksIsAlwaysCompressed() {
        assertThat(run(20, 100, 25)).isEqualTo("C".repeat(20));
        assertThat(run(20, 1000, 875)).as("exactly an eighth saved is enough").isEqualTo("C".repeat(20));
    }

    @Test
    void dataThatDoesNotShrinkIsTriedAgainAfterDoublingWaitsUpTo64() {
        assertThat(run(16, 1024, 1034)).isEqualTo("C-C--C----C-----");
        String long_ = run(400, 1024, 1034);
        List<Integer> gaps = new ArrayList<>();
        for (String gap : long_.substring(1).split("C")) {
            gaps.add(gap.length());
        }
        assertThat(gaps).startsWith(1, 2, 4, 8, 16, 32, 64, 64);
    }

    @Test
    void smallMessagesAreNotJudged() {
        assertThat(run(10, 255, 300)).isEqualTo("C".repeat(10));
    }

    @Test
    void oneGoodMessageEndsTheWait() {
        CompressionBackoff b = new CompressionBackoff();
        b.compressed(1024, 1030);
        b.compressNext();
        b.compressNext();
        b.compressed(1024, 1030); // waits 2 next
        assertThat(b.compressNext()).isFalse();
        assertThat(b.compressNext()).isFalse();
        assertThat(b.compressNext()).isTrue();
        b.compressed(1024, 100);
        b.compressed(1024, 1030); // the wait starts at 1 again
        assertThat(b.compressNext()).isFalse();
        assertThat(b.compressNext()).isTrue();
    }
}
