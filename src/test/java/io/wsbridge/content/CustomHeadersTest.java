package io.wsbridge.content;

import static org.assertj.core.api.Assertions.assertThat;

import io.wsbridge.testing.RawHttp;
import io.wsbridge.testing.RawWebSocket;
import io.wsbridge.testing.Scripts;
import io.wsbridge.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * --header on every response websocketd puts it on, --header-ws on the 101 only, --header-http on plain HTTP
 * responses only; refused upgrades get none.
 */
@Timeout(60)
class CustomHeadersTest {
    @TempDir
    static Path tmp;
    static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        Path www = Files.createDirectories(tmp.resolve("www"));
        Files.writeString(www.resolve("a.txt"), "a");
        Files.createDirectories(www.resolve("d"));
        Path cgi = Files.createDirectories(tmp.resolve("cgi"));
        Scripts.sh(cgi, "ok.sh", "printf 'Content-Type: text/plain\\nX-Script: s\\n\\nok'");
        Scripts.sh(cgi, "bad.sh", "printf 'garbage\\n\\n'");
        Path ws = Scripts.sh(tmp, "ws.sh", "echo ready\nexec cat");
        server = TestServer.start("--staticdir=" + www, "--cgidir=" + cgi, "--origin=example.com", "--maxforks=1",
                "--header=X-All: a", "--header=X-All: b", "--header-ws=X-Ws: w", "--header-http=X-Http: h",
                "--header=X-Empty", ws.toString());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    interface Request<T> {
        T send() throws Exception;
    }

    /**
     * --maxforks=1: the program or CGI script of the previous test holds the only fork slot until it has been
     * reaped, a few milliseconds after its connection or response ended; until then a request gets 429.
     */
    private static <T> T whenSlotFree(Request<T> request, java.util.function.ToIntFunction<T> status)
            throws Exception {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        T reply = request.send();
        while (status.applyAsInt(reply) == 429 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
            reply = request.send();
        }
        return reply;
    }

    /** A connected client, or null while the server answers 429. */
    private static RawWebSocket connectUnlessBusy(int port) throws java.io.IOException {
        try {
            return RawWebSocket.connect(port, "/", Map.of("Origin", "http://example.com"), 0);
        } catch (java.io.IOException refused) {
            if (String.valueOf(refused.getMessage()).contains("status=429")) {
                return null;
            }
            throw refused;
        }
    }

    private static void plainHeaders(RawHttp.Response r, String what) {
        assertThat(r.headers("X-All")).as(what).containsExactly("a", "b");
        assertThat(r.headers("X-Http")).as(what).containsExactly("h");
        assertThat(r.headers("X-Empty")).as(what).containsExactly("");
        assertThat(r.header("X-Ws")).as(what).isNull();
    }

    private static void none(RawWebSocket.HttpReply r, String what) {
        assertThat(r.header("X-All")).as(what).isNull();
        assertThat(r.header("X-Http")).as(what).isNull();
        assertThat(r.header("X-Ws")).as(what).isNull();
    }

    @Test
    void upgradeGetsHeaderThenHeaderWs() throws Exception {
        RawWebSocket.HttpReply r = whenSlotFree(
                () -> RawWebSocket.tryUpgrade(server.port(), "/", Map.of("Origin", "http://example.com")),
                RawWebSocket.HttpReply::status);
        assertThat(r.status()).isEqualTo(101);
        assertThat(r.header("X-All")).isEqualTo("a, b");
        assertThat(r.header("X-Ws")).isEqualTo("w");
        assertThat(r.header("X-Http")).isNull();
        List<String> order = List.copyOf(r.headers().keySet());
        assertThat(order.indexOf("x-all")).isLessThan(order.indexOf("x-ws"));
    }

    @Test
    void plainResponsesGetHeaderThenHeaderHttp() throws Exception {
        int port = server.port();
        plainHeaders(RawHttp.get(port, "/a.txt"), "static 200");
        plainHeaders(RawHttp.get(port, "/d"), "static 301");
        plainHeaders(RawHttp.get(port, "/a.txt", "If-Modified-Since: Fri, 01 Jan 2100 00:00:00 GMT"), "static 304");
        plainHeaders(RawHttp.get(port, "/a.txt", "Range: bytes=10-"), "static 416");
        plainHeaders(RawHttp.exchange(port, "DELETE", "/a.txt"), "static 405");
        plainHeaders(RawHttp.get(port, "/missing"), "final 404");
        RawHttp.Response cgi = whenSlotFree(() -> RawHttp.get(port, "/ok.sh"), RawHttp.Response::status);
        plainHeaders(cgi, "cgi 200");
        assertThat(cgi.header("X-Script")).isEqualTo("s");
        plainHeaders(RawHttp.get(port, "/bad.sh"), "cgi 502");
    }

    @Test
    void refusedUpgradesGetNone() throws Exception {
        int port = server.port();
        none(RawWebSocket.tryUpgrade(port, "/", Map.of("Origin", "http://evil.org")), "403 origin");
        none(RawWebSocket.tryUpgrade(port, "/", Map.of("Origin", "http://example.com", "Sec-WebSocket-Key", "short")),
                "400 bad key");
        none(RawWebSocket.tryUpgrade(port, "/", Map.of("Origin", "http://example.com", "Sec-WebSocket-Version", "8")),
                "426 version");
        try (RawWebSocket busy = whenSlotFree(() -> connectUnlessBusy(port), ws -> ws == null ? 429 : 101)) {
            assertThat(busy).as("the only fork slot").isNotNull();
            RawWebSocket.HttpReply full = RawWebSocket.tryUpgrade(port, "/", Map.of("Origin", "http://example.com"));
            assertThat(full.status()).isEqualTo(429);
            none(full, "429 maxforks");
            RawHttp.Response cgiFull = RawHttp.get(port, "/ok.sh");
            assertThat(cgiFull.status()).isEqualTo(429);
            plainHeaders(cgiFull, "cgi 429");
        }
    }
}
