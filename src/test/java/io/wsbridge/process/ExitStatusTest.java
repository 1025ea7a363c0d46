package io.wsbridge.process;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ExitStatusTest {
    @Test
    void decodesWaitStatusWords() {
        assertThat(ExitStatus.fromWaitStatus(0)).isEqualTo(new ExitStatus(0, 0));
        assertThat(ExitStatus.fromWaitStatus(3 << 8).describe()).isEqualTo("exit status 3");
        assertThat(ExitStatus.fromWaitStatus(9).describe()).isEqualTo("killed by signal 9 (SIGKILL)");
        assertThat(ExitStatus.fromWaitStatus(15 | 0x80).signal()).as("core dump bit").isEqualTo(15);
        assertThat(ExitStatus.fromWaitStatus(0).success()).isTrue();
        assertThat(ExitStatus.fromWaitStatus(2).success()).isFalse();
    }
}
