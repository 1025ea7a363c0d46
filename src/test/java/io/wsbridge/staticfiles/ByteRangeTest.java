package io.wsbridge.staticfiles;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Single byte ranges are served, anything else is the whole file, ranges past the end are 416. */
class ByteRangeTest {
    private static ByteRange.Outcome of(String header) {
        return ByteRange.of(header, 100);
    }

    private static ByteRange partial(String header) {
        ByteRange.Outcome o = of(header);
        assertThat(o).as(header).isInstanceOf(ByteRange.Partial.class);
        return ((ByteRange.Partial) o).range();
    }

    @Test
    void singleRanges() {
        assertThat(partial("bytes=0-9")).isEqualTo(new ByteRange(0, 9));
        assertThat(partial("bytes=90-")).isEqualTo(new ByteRange(90, 99));
        assertThat(partial("bytes=-10")).isEqualTo(new ByteRange(90, 99));
        assertThat(partial("bytes=-1000")).isEqualTo(new ByteRange(0, 99));
        assertThat(partial("bytes=50-5000")).isEqualTo(new ByteRange(50, 99));
        assertThat(partial("bytes=50-99999999999999999999999")).isEqualTo(new ByteRange(50, 99));
        assertThat(partial("Bytes = 1-1")).isEqualTo(new ByteRange(1, 1));
        assertThat(partial("bytes=99-99").length()).isEqualTo(1);
    }

    @Test
    void unsatisfiable() {
        assertThat(of("bytes=100-")).isInstanceOf(ByteRange.Unsatisfiable.class);
        assertThat(of("bytes=100-200")).isInstanceOf(ByteRange.Unsatisfiable.class);
        assertThat(of("bytes=-0")).isInstanceOf(ByteRange.Unsatisfiable.class);
        assertThat(of("bytes=99999999999999999999999-")).isInstanceOf(ByteRange.Unsatisfiable.class);
        assertThat(ByteRange.of("bytes=0-0", 0)).isInstanceOf(ByteRange.Unsatisfiable.class);
        assertThat(ByteRange.of("bytes=-5", 0)).isInstanceOf(ByteRange.Unsatisfiable.class);
    }

    @Test
    void ignoredWholeFile() {
        for (String h : new String[] {null, "", "bytes=", "bytes=-", "bytes=5-2", "bytes=0-1,5-6", "items=0-1",
                "bytes=a-b", "bytes=1-2-3", "bytes=+1-2", "bytes=-+5", "bytes 0-1"}) {
            assertThat(of(h)).as(String.valueOf(h)).isInstanceOf(ByteRange.Whole.class);
        }
    }
}
