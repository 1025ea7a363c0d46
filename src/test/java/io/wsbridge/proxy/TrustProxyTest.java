package io.wsbridge.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.wsbridge.testing.ExternalServer;
import io.wsbridge.testing.RawWebSocket;
import io.wsbridge.testing.Scripts;
import io.wsbridge.testing.TestServer;
import io.wsbridge.testing.Waits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** --trustproxy through the real server: what REMOTE_ADDR the child sees and what the log says. */
@Timeout(60)
class TrustProxyTest {
    private static final Map<String, String> FORWARDED = Map.of(
            "X-Forwarded-For", "198.51.100.1, 203.0.113.9", "X-Real-IP", "192.0.2.77");

    @TempDir
    Path dir;

    private Path printRemote() {
        return Scripts.sh(dir, "remote.sh", "echo \"$REMOTE_ADDR $REMOTE_HOST $HTTP_X_FORWARDED_FOR\"");
    }

    private static String firstLine(int port, Map<String, String> headers) throws Exception {
        try (RawWebSocket ws = RawWebSocket.connect(port, "/", headers, 0)) {
            return ws.readMessage(Duration.ofSeconds(10)).text();
        }
    }

    @Test
    void fromATrustedPeerTheRightMostUntrustedForwardedAddressIsTheClient() throws Exception {
        try (TestServer server = TestServer.start("--trustproxy=10.0.0.0/8,127.0.0.1", printRemote().toString())) {
            assertThat(firstLine(server.port(), FORWARDED))
                    .isEqualTo("203.0.113.9 203.0.113.9 198.51.100.1, 203.0.113.9");
            assertThat(firstLine(server.port(), Map.of("X-Real-IP", "192.0.2.77"))).startsWith("192.0.2.77 ");
            assertThat(firstLine(server.port(), Map.of())).startsWith("127.0.0.1 ");
        }
    }

    @Test
    void fromAnyOtherPeerTheHeadersAreIgnored() throws Exception {
        try (TestServer server = TestServer.start("--trustproxy=10.0.0.0/8", printRemote().toString())) {
            assertThat(firstLine(server.port(), FORWARDED)).isEqualTo("127.0.0.1 127.0.0.1 198.51.100.1, 203.0.113.9");
        }
        try (TestServer server = TestServer.start(printRemote().toString())) {
            assertThat(firstLine(server.port(), FORWARDED)).startsWith("127.0.0.1 ");
        }
    }

    /**
     * A name made of hex digits and dots looks like an address to a quick check but is a host name: it must be
     * refused, never resolved. The server's JVM resolves names only from a hosts file that has this one, so a
     * lookup would make the entry valid and the server would start.
     */
    @Test
    void aDottedHexNameIsRefusedWithoutALookup() throws Exception {
        Path hosts = java.nio.file.Files.writeString(dir.resolve("hosts"), "127.0.0.1 dead.beef.cafe.face\n");
        ExternalServer server = ExternalServer.launch(List.of("-Djdk.net.hosts.file=" + hosts),
                List.of("--port=" + ExternalServer.freePort(), "--address=127.0.0.1",
                        "--trustproxy=10.0.0.0/8,dead.beef.cafe.face", "cat"));
        try {
            assertThat(server.awaitExit(20)).isEqualTo(1);
            assertThat(server.output()).anyMatch(l -> l.contains("Invalid --trustproxy entry 'dead.beef.cafe.face'"));
        } finally {
            server.close();
        }
    }

    @Test
    void logLinesShowTheRealClient() throws Exception {
        try (ExternalServer server = ExternalServer.start(List.of(), "--trustproxy=127.0.0.0/8",
                printRemote().toString())) {
            assertThat(firstLine(server.port(), FORWARDED)).startsWith("203.0.113.9 ");
            RawWebSocket.HttpReply notFound = RawWebSocket.rawRequest(server.port(),
                    "GET /nothing HTTP/1.1\r\nHost: x\r\nX-Real-IP: 192.0.2.77\r\nConnection: close\r\n\r\n");
            assertThat(notFound.status()).isEqualTo(404);
            Waits.until(Duration.ofSeconds(10), () -> server.output().stream().anyMatch(l -> l.contains("NOT FOUND")),
                    "the access line of the 404");
            assertThat(server.output()).anyMatch(l -> l.contains("remote:'203.0.113.9'") && l.contains("CONNECT"));
            assertThat(server.output()).anyMatch(l -> l.contains("remote:'192.0.2.77'") && l.contains("NOT FOUND"));
        }
    }
}
