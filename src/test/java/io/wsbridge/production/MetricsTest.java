package io.wsbridge.production;

import static org.assertj.core.api.Assertions.assertThat;

import io.wsbridge.testing.PrometheusText;
import io.wsbridge.testing.RawHttp;
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

/**
 * --metrics: /metrics parsed by a strict reader of the Prometheus text format (0.0.4), the values after real
 * sessions, refusals and spawns; /healthz and /readyz; and nothing of it on the main port.
 */
@Timeout(60)
class MetricsTest {
    @TempDir
    Path dir;

    private static Map<String, Double> scrape(int port) throws Exception {
        RawHttp.Response r = RawHttp.get(port, "/metrics");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Type")).startsWith("text/plain; version=0.0.4");
        return PrometheusText.parse(r.text());
    }

    @Test
    void countsSessionsMessagesRefusalsAndSpawnsInTheTextFormat() throws Exception {
        Path echo = Scripts.sh(dir, "echo.sh", "exec cat");
        try (TestServer server = TestServer.start("--metrics=127.0.0.1:0", "--maxperip=1", echo.toString())) {
            int metrics = server.server().metricsAddress().getPort();
            try (RawWebSocket ws = RawWebSocket.connect(server.port(), "/")) {
                ws.sendText("hello");
                assertThat(ws.readMessage(Duration.ofSeconds(10)).text()).isEqualTo("hello");
                ws.sendText("again");
                assertThat(ws.readMessage(Duration.ofSeconds(10)).text()).isEqualTo("again");
                Map<String, Double> during = scrape(metrics);
                assertThat(during).containsEntry("wsbridge_websocket_connections_open", 1.0)
                        .containsEntry("wsbridge_programs_running", 1.0);
                assertThat(RawWebSocket.tryUpgrade(server.port(), "/", Map.of()).status()).isEqualTo(429);
                ws.sendClose(1000, "bye");
                ws.readMessage(Duration.ofSeconds(10)); // the close frame back
            }
            Waits.until(Duration.ofSeconds(10), () -> scrapeQuietly(metrics)
                    .getOrDefault("wsbridge_websocket_connections_total{code=\"1000\"}", 0.0) == 1.0, "the close counted");
            Map<String, Double> after = scrape(metrics);
            assertThat(after).containsEntry("wsbridge_websocket_connections_open", 0.0)
                    .containsEntry("wsbridge_messages_total{direction=\"in\"}", 2.0)
                    .containsEntry("wsbridge_messages_total{direction=\"out\"}", 2.0)
                    .containsEntry("wsbridge_message_bytes_total{direction=\"in\"}", 10.0)
                    .containsEntry("wsbridge_upgrades_refused_total{status=\"429\"}", 1.0)
                    .containsEntry("wsbridge_spawn_seconds_count", 1.0)
                    .containsEntry("wsbridge_handshake_seconds_count", 1.0)
                    .containsKey("wsbridge_backpressure_pauses_total")
                    .containsKey("jvm_threads_current")
                    .containsKey("jvm_memory_used_bytes{area=\"heap\"}");
            assertThat(after.get("wsbridge_spawn_seconds_sum")).isPositive();
            assertThat(after.keySet()).as("no per-path or per-client labels")
                    .noneMatch(k -> k.contains("127.0.0.1") || k.contains("path=") || k.contains("echo.sh"));
            assertThat(RawHttp.get(server.port(), "/metrics").status()).as("not on the main port").isEqualTo(404);
        }
    }

    private static Map<String, Double> scrapeQuietly(int port) {
        try {
            return scrape(port);
        } catch (Exception | AssertionError e) {
            return Map.of();
        }
    }

    @Test
    void healthAndReadinessWithAShortJsonBody() throws Exception {
        Path hold = Scripts.sh(dir, "hold.sh", "exec cat");
        try (TestServer server = TestServer.start("--metrics=127.0.0.1:0", "--maxforks=1", hold.toString())) {
            int metrics = server.server().metricsAddress().getPort();
            RawHttp.Response health = RawHttp.get(metrics, "/healthz");
            assertThat(health.status()).isEqualTo(200);
            assertThat(health.text()).isEqualTo("{\"status\":\"ok\"}\n");
            assertThat(RawHttp.get(metrics, "/readyz").text()).contains("\"status\":\"ready\"");
            try (RawWebSocket ws = RawWebSocket.connect(server.port(), "/")) {
                Waits.until(Duration.ofSeconds(10), () -> server.liveChildren() == 1, "the program running");
                RawHttp.Response full = RawHttp.get(metrics, "/readyz");
                assertThat(full.status()).as("--maxforks used up").isEqualTo(503);
                assertThat(full.text()).isEqualTo("{\"status\":\"not ready\",\"listening\":true,\"programs\":1,"
                        + "\"maxforks\":1}\n");
            }
            Waits.until(Duration.ofSeconds(10), () -> status(metrics, "/readyz") == 200, "ready again");
            assertThat(RawHttp.get(metrics, "/elsewhere").status()).isEqualTo(404);
        }
    }

    private static int status(int port, String path) {
        try {
            return RawHttp.get(port, path).status();
        } catch (Exception e) {
            return -1;
        }
    }
}
