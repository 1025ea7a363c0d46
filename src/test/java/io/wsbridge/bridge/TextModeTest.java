package io.wsbridge.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.wsbridge.testing.Client;
import io.wsbridge.testing.RawWebSocket;
import io.wsbridge.testing.Scripts;
import io.wsbridge.testing.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Line mode end to end: real server, real child processes, real WebSocket clients. */
@Timeout(60)
class TextModeTest {
    @TempDir
    Path dir;

    @Test
    void echoesEachMessageAsALineAndBack() throws Exception {
        try (TestServer server = TestServer.start("cat");
             Client client = Client.connect(server.url("/"))) {
            client.send("hello");
            assertThat(client.nextText(10)).isEqualTo("hello");
            client.send("héllo wörld ✓ 𝄞");
            assertThat(client.nextText(10)).isEqualTo("héllo wörld ✓ 𝄞");
            client.send("");
            assertThat(client.nextText(10)).isEmpty();
        }
    }

    @Test
    void childThatExitsZeroGetsAllItsLinesThenClose1000() throws Exception {
        Path script = Scripts.sh(dir, "lines.sh", "for i in 1 2 3 4 5; do echo $i; done");
        try (TestServer server = TestServer.start(script.toString());
             Client client = Client.connect(server.url("/"))) {
            for (int i = 1; i <= 5; i++) {
                assertThat(client.nextText(10)).isEqualTo(Integer.toString(i));
            }
            Client.Closed closed = client.awaitClose(10);
            assertThat(closed.code()).isEqualTo(1000);
            assertThat(closed.reason()).isEqualTo("exit status 0");
        }
    }

    @Test
    void nonZeroExitClosesWith1011NamingTheStatus() throws Exception {
        Path script = Scripts.sh(dir, "fail.sh", "echo before; exit 3");
        try (TestServer server = TestServer.start(script.toString());
             Client client = Client.connect(server.url("/"))) {
            assertThat(client.nextText(10)).isEqualTo("before");
            Client.Closed closed = client.awaitClose(10);
            assertThat(closed.code()).isEqualTo(1011);
            assertThat(closed.reason()).isEqualTo("exit status 3");
        }
    }

    @Test
    void finalLineWithoutNewlineIsDelivered() throws Exception {
        Path script = Scripts.sh(dir, "partial.sh", "printf 'first\\nlast without newline'");
        try (TestServer server = TestServer.start(script.toString());
             Client client = Client.connect(server.url("/"))) {
            assertThat(client.nextText(10)).isEqualTo("first");
            assertThat(client.nextText(10)).isEqualTo("last without newline");
            assertThat(client.awaitClose(10).code()).isEqualTo(1000);
        }
    }

    @Test
    void crlfAndEmptyLinesBecomeMessagesWithoutLineEndings() throws Exception {
        Path script = Scripts.sh(dir, "crlf.sh", "printf 'a\\r\\n\\nb\\r\\n\\r\\nc\\rd\\n'");
        try (TestServer server = TestServer.start(script.toString());
             Client client = Client.connect(server.url("/"))) {
            assertThat(client.nextText(10)).isEqualTo("a");
            assertThat(client.nextText(10)).isEmpty();
            assertThat(client.nextText(10)).isEqualTo("b");
            assertThat(client.nextText(10)).isEmpty();
            assertThat(client.nextText(10)).isEqualTo("c\rd");
        }
    }

    @Test
    void invalidUtf8FromTheChildIsReplacedNotSentRaw() throws Exception {
        // \377 is never UTF-8; \303 starts a 2-byte sequence that 'x' breaks; the last line ends mid-sequence.
        Path script = Scripts.sh(dir, "bad.sh", "printf 'ok\\377ok\\n\\303x\\n\\342\\202'");
        try (TestServer server = TestServer.start(script.toString());
             RawWebSocket ws = RawWebSocket.connect(server.port(), "/")) {
            assertThat(ws.readMessage(Duration.ofSeconds(10)).text()).isEqualTo("ok\uFFFDok");
            assertThat(ws.readMessage(Duration.ofSeconds(10)).text()).isEqualTo("\uFFFDx");
            RawWebSocket.Frame last = ws.readMessage(Duration.ofSeconds(10));
            assertThat(last.opcode()).isEqualTo(RawWebSocket.TEXT);
            assertThat(last.text()).isEqualTo("\uFFFD");
        }
    }

    @Test
    void stderrIsLoggedNotSent() throws Exception {
        Path script = Scripts.sh(dir, "err.sh", "echo to-stderr >&2; echo to-stdout");
        try (TestServer server = TestServer.start(script.toString());
             Client client = Client.connect(server.url("/"))) {
            assertThat(client.nextText(10)).isEqualTo("to-stdout");
            assertThat(client.awaitClose(10).code()).isEqualTo(1000);
        }
    }

    @Test
    void messagesWithEmbeddedNewlinesReachTheChildAsTheyAre() throws Exception {
        try (TestServer server = TestServer.start("cat");
             Client client = Client.connect(server.url("/"))) {
            client.send("one\ntwo");
            assertThat(client.nextText(10)).isEqualTo("one");
            assertThat(client.nextText(10)).isEqualTo("two");
        }
    }
}
