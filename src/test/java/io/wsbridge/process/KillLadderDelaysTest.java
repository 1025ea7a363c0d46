package io.wsbridge.process;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** websocketd's ladder: SIGINT at 100+C ms, SIGTERM at 350+2C, SIGKILL at 850+3C (C = --closems). */
class KillLadderDelaysTest {
    @ParameterizedTest(name = "closems={0} step={1} -> {2} ms")
    @CsvSource({
        "0,    0, 100",
        "0,    1, 350",
        "0,    2, 850",
        "200,  0, 300",
        "200,  1, 750",
        "200,  2, 1450",
        "1000, 2, 3850",
    })
    void delays(long closeMs, int step, long expectedMs) {
        KillLadder ladder = new KillLadder(null, null, closeMs, () -> { });
        assertThat(ladder.delayOf(step)).isEqualTo(expectedMs);
    }
}
