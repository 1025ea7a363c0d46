package io.wsbridge.production;

import static org.assertj.core.api.Assertions.assertThat;

import io.wsbridge.testing.RawWebSocket;
import io.wsbridge.testing.Scripts;
import io.wsbridge.testing.TestServer;
import io.wsbridge.testing.Waits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** --maxperip: N open WebSockets per client address, 429 for the next, counted per address after --trustproxy. */
@Timeout(60)
class MaxPerIpTest {
    @TempDir
    Path dir;

    @Test
    void theNextUpgradeFromTheSameAddressIs429UntilOneCloses() throws Exception {
        Path echo = Scripts.sh(dir, "echo.sh", "exec cat");
        try (TestServer server = TestServer.start("--maxperip=2", echo.toString());
             RawWebSocket a = RawWebSocket.connect(server.port(), "/");
             RawWebSocket b = RawWebSocket.connect(server.port(), "/")) {
            RawWebSocket.HttpReply third = RawWebSocket.tryUpgrade(server.port(), "/", Map.of());
            assertThat(third.status()).isEqualTo(429);
            assertThat(third.body()).contains("at most 2 connections per address");
            assertThat(server.liveChildren()).as("nothing started for the refused one").isEqualTo(2);
            try (RawWebSocket other = RawWebSocket.connectFrom("127.0.0.2", server.port(), "/", Map.of())) {
                other.sendText("another address");
                assertThat(other.readMessage(Duration.ofSeconds(10)).text()).isEqualTo("another address");
            }
            a.close();
            Waits.until(Duration.ofSeconds(10), () -> upgradeStatus(server.port()) == 101, "a slot free again");
            b.sendText("b still works");
            assertThat(b.readMessage(Duration.ofSeconds(10)).text()).isEqualTo("b still works");
        }
    }

    @Test
    void behindATrustedProxyEachForwardedClientCountsOnItsOwn() throws Exception {
        Path echo = Scripts.sh(dir, "echo.sh", "exec cat");
        try (TestServer server = TestServer.start("--maxperip=1", "--trustproxy=127.0.0.1", echo.toString());
             RawWebSocket one = RawWebSocket.connect(server.port(), "/", Map.of("X-Forwarded-For", "203.0.113.1"), 0);
             RawWebSocket two = RawWebSocket.connect(server.port(), "/", Map.of("X-Forwarded-For", "203.0.113.2"),
                     0)) {
            assertThat(RawWebSocket.tryUpgrade(server.port(), "/", Map.of("X-Forwarded-For", "203.0.113.1")).status())
                    .isEqualTo(429);
        }
    }

    private static int upgradeStatus(int port) {
        try {
            return RawWebSocket.tryUpgrade(port, "/", Map.of()).status();
        } catch (Exception e) {
            return -1;
        }
    }
}
