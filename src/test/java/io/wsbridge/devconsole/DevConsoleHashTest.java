package io.wsbridge.devconsole;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wsbridge.http.ResponseHeaders;
import org.junit.jupiter.api.Test;

class DevConsoleHashTest {
    @Test
    void hashesExactlyTheInlineText() {
        assertThat(DevConsole.hashOf("<p><script>x</script>", "script"))
                .isEqualTo("'sha256-LXEWQrcmsEQBYnyp+6wy9chTD7GQPMTbAiWHF5IaSIE='");
        assertThatThrownBy(() -> DevConsole.hashOf("<script>a</script><script>b</script>", "script"))
                .isInstanceOf(IllegalStateException.class);
        assertThat(DevConsole.create(ResponseHeaders.NONE).contentSecurityPolicy()).startsWith("default-src 'none'");
    }
}
