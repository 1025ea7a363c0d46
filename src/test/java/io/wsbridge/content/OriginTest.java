package io.wsbridge.content;

import static org.assertj.core.api.Assertions.assertThat;

import io.wsbridge.testing.LogCapture;
import io.wsbridge.testing.RawWebSocket;
import io.wsbridge.testing.Scripts;
import io.wsbridge.testing.TestServer;
import io.wsbridge.testing.Waits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** --origin and --sameorigin on a real server: 403 before anything runs, 101 for the admitted. */
@Timeout(60)
class OriginTest {
    @TempDir
    Path tmp;

    private static Map<String, String> origin(String value) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Origin", value);
        return h;
    }

    @Test
    void originListAdmitsListedPagesOnly() throws Exception {
        Path marker = tmp.resolve("ran");
        Path script = Scripts.sh(tmp, "s.sh", "echo x >> " + marker + "\necho hello");
        try (TestServer server = TestServer.start("--origin=example.com,https://secure.test:8443", script.toString());
             LogCapture log = LogCapture.of("http")) {
            for (String ok : new String[] {"http://example.com", "https://EXAMPLE.com:9999", "https://secure.test:8443"}) {
                try (RawWebSocket ws = RawWebSocket.connect(server.port(), "/", origin(ok), 0)) {
                    assertThat(ws.readMessage(Duration.ofSeconds(10)).text()).as(ok).isEqualTo("hello");
                }
            }
            Waits.until(Duration.ofSeconds(5), () -> server.liveChildren() == 0, "sessions over");
            long runs = Files.readAllLines(marker).size();
            for (String bad : new String[] {"http://evil.org", "http://example.com.evil.org", "http://secure.test:8443",
                    "https://secure.test", "null", "http://example.com@evil.org", "http://evil.org?example.com"}) {
                RawWebSocket.HttpReply r = RawWebSocket.tryUpgrade(server.port(), "/", origin(bad));
                assertThat(r.status()).as(bad).isEqualTo(403);
            }
            assertThat(RawWebSocket.tryUpgrade(server.port(), "/", Map.of()).status()).as("no Origin").isEqualTo(403);
            assertThat(Files.readAllLines(marker)).as("nothing ran for a refused origin").hasSize((int) runs);
            assertThat(server.liveChildren()).isZero();
            assertThat(log.lines()).anyMatch(l -> l.contains("UPGRADE REFUSED: Forbidden: Origin is not listed")
                    && l.contains("status='403'"));
        }
    }

    @Test
    void sameOriginComparesWithTheHostHeader() throws Exception {
        Path script = Scripts.sh(tmp, "s.sh", "echo hello");
        try (TestServer server = TestServer.start("--sameorigin", script.toString())) {
            String self = "http://127.0.0.1:" + server.port();
            try (RawWebSocket ws = RawWebSocket.connect(server.port(), "/", origin(self), 0)) {
                assertThat(ws.readMessage(Duration.ofSeconds(10)).text()).isEqualTo("hello");
            }
            assertThat(RawWebSocket.tryUpgrade(server.port(), "/", origin("http://127.0.0.1:1")).status())
                    .isEqualTo(403);
            assertThat(RawWebSocket.tryUpgrade(server.port(), "/", origin("http://localhost:" + server.port()))
                    .status()).isEqualTo(403);
            Map<String, String> spoofedHost = origin("http://evil.org");
            spoofedHost.put("Host", "evil.org");
            assertThat(RawWebSocket.tryUpgrade(server.port(), "/", spoofedHost).status())
                    .as("same origin is about the Host the client sent, as in websocketd").isEqualTo(101);
        }
    }

    @Test
    void schemeLessEntriesUnderTlsAreWarnedAbout() {
        try (LogCapture log = LogCapture.of("server")) {
            io.wsbridge.access.OriginPolicy.from(new io.wsbridge.cli.Config.Access(
                    java.util.List.of("example.com", "https://secure.test"), false, java.util.List.of()), true);
            assertThat(log.lines()).anyMatch(l -> l.contains("'example.com' has no scheme"));
            assertThat(log.lines()).noneMatch(l -> l.contains("secure.test"));
        }
        try (LogCapture log = LogCapture.of("server")) {
            io.wsbridge.access.OriginPolicy.from(new io.wsbridge.cli.Config.Access(
                    java.util.List.of("example.com"), false, java.util.List.of()), false);
            assertThat(log.lines()).isEmpty();
        }
    }
}
