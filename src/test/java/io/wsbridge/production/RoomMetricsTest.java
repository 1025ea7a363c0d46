package io.wsbridge.production;

import static io.wsbridge.testing.PrometheusText.scrape;
import static io.wsbridge.testing.PrometheusText.value;
import static org.assertj.core.api.Assertions.assertThat;

import io.wsbridge.testing.ExternalServer;
import io.wsbridge.testing.PrometheusText;
import io.wsbridge.testing.RawHttp;
import io.wsbridge.testing.RawWebSocket;
import io.wsbridge.testing.RedisServer;
import io.wsbridge.testing.Scripts;
import io.wsbridge.testing.TestServer;
import io.wsbridge.testing.Waits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * --metrics with --rooms: the room gauges as real clients come and go (read with a strict parser of the text
 * format), /readyz following a real Redis under --roombus (killed, then started again), and the classes of each
 * feature loaded only with its flag. The slow-client counters are checked in SlowClientTest, under each policy.
 */
@Timeout(120)
class RoomMetricsTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private static String rooms(String clientClass) {
        return "wsbridge_rooms_by_clients{clients=\"" + clientClass + "\"}";
    }

    @Test
    void roomGaugesGoUpAndDownWithTheClients() throws Exception {
        Path cat = Scripts.sh(dir, "cat.sh", "exec cat");
        try (TestServer server = TestServer.start("--rooms", "--metrics=127.0.0.1:0", cat.toString())) {
            int metrics = server.server().metricsAddress().getPort();
            assertThat(scrape(metrics)).containsEntry("wsbridge_rooms_open", 0.0)
                    .containsEntry("wsbridge_room_clients", 0.0).containsEntry("wsbridge_room_clients_max", 0.0)
                    .containsEntry(rooms("0"), 0.0).containsEntry(rooms("1"), 0.0).containsEntry(rooms("2-9"), 0.0)
                    .containsEntry(rooms("10-99"), 0.0).containsEntry(rooms("100-999"), 0.0)
                    .containsEntry(rooms("1000+"), 0.0).containsEntry("wsbridge_room_messages_total", 0.0)
                    .containsEntry("wsbridge_room_slow_client_closes_total", 0.0)
                    .containsEntry("wsbridge_room_messages_dropped_total", 0.0)
                    .containsEntry("wsbridge_room_output_pauses_total", 0.0)
                    .doesNotContainKey("wsbridge_roombus_connected");
            try (RawWebSocket a = RawWebSocket.connect(server.port(), "/chat")) {
                // A client counts from its upgrade on, so it is counted once its 101 is here.
                assertThat(scrape(metrics)).containsEntry("wsbridge_rooms_open", 1.0)
                        .containsEntry("wsbridge_room_clients", 1.0).containsEntry(rooms("1"), 1.0);
                a.sendText("hello");
                assertThat(a.readMessage(WAIT).text()).isEqualTo("hello");
                try (RawWebSocket b = RawWebSocket.connect(server.port(), "/chat");
                     RawWebSocket c = RawWebSocket.connect(server.port(), "/lobby")) {
                    b.sendText("to both");
                    assertThat(a.readMessage(WAIT).text()).isEqualTo("to both");
                    assertThat(b.readMessage(WAIT).text()).isEqualTo("to both");
                    Map<String, Double> three = scrape(metrics);
                    assertThat(three).containsEntry("wsbridge_rooms_open", 2.0)
                            .containsEntry("wsbridge_room_clients", 3.0).containsEntry("wsbridge_room_clients_max", 2.0)
                            .containsEntry(rooms("1"), 1.0).containsEntry(rooms("2-9"), 1.0)
                            .containsEntry("wsbridge_room_messages_total", 2.0)
                            .containsEntry("wsbridge_messages_total{direction=\"out\"}", 3.0) // hello, to both x 2
                            .containsEntry("wsbridge_message_bytes_total{direction=\"out\"}", 5.0 + 2 * 7);
                    assertThat(three.keySet()).as("no label per room or client")
                            .noneMatch(k -> k.contains("chat") || k.contains("lobby") || k.contains("127.0.0.1"));
                    b.sendClose(1000, "");
                    c.sendClose(1000, "");
                    assertThat(b.awaitEof(WAIT)).isTrue();
                    assertThat(c.awaitEof(WAIT)).isTrue();
                }
                Waits.until(WAIT, () -> value(metrics, "wsbridge_room_clients") == 1.0
                        && value(metrics, "wsbridge_rooms_open") == 1.0, "one client in one room left");
                a.sendClose(1000, "");
                assertThat(a.awaitEof(WAIT)).isTrue();
            }
            Waits.until(WAIT, () -> value(metrics, "wsbridge_rooms_open") == 0.0, "no room open");
            assertThat(scrape(metrics)).containsEntry("wsbridge_room_clients", 0.0)
                    .containsEntry("wsbridge_room_clients_max", 0.0).containsEntry(rooms("1"), 0.0)
                    .containsEntry(rooms("2-9"), 0.0);
        }
    }

    private static RawHttp.Response readyz(int port) {
        try {
            return RawHttp.get(port, "/readyz");
        } catch (Exception e) {
            return null;
        }
    }

    @Test
    void readyzFollowsTheRoomBus() throws Exception {
        RedisServer.assumeInstalled("RoomMetricsTest.readyzFollowsTheRoomBus");
        Path cat = Scripts.sh(dir, "cat.sh", "exec cat");
        try (RedisServer redis = RedisServer.start(dir);
             TestServer server = TestServer.start("--rooms", "--roombus=" + redis.url(), "--roombus-lease=1000",
                     "--metrics=127.0.0.1:0", cat.toString())) {
            int metrics = server.server().metricsAddress().getPort();
            RawHttp.Response up = RawHttp.get(metrics, "/readyz");
            assertThat(up.status()).isEqualTo(200);
            assertThat(up.text()).matches("\\{\"status\":\"ready\",\"listening\":true,\"programs\":0,\"maxforks\":\\d+,"
                    + "\"roombus\":\"connected\"}\n");
            try (RawWebSocket a = RawWebSocket.connect(server.port(), "/bus")) {
                a.sendText("over the bus");
                assertThat(a.readMessage(WAIT).text()).isEqualTo("over the bus");
                RawHttp.Response text = RawHttp.get(metrics, "/metrics");
                assertThat(PrometheusText.parse(text.text())).containsEntry("wsbridge_roombus_connected", 1.0)
                        .containsEntry("wsbridge_rooms_open", 1.0).containsEntry("wsbridge_room_clients", 1.0);
                assertThat(text.text()).contains("# HELP wsbridge_room_clients Clients in rooms on this instance"
                        + " (--roombus: this instance's clients only; each instance counts its own)");

                redis.kill();
                Waits.until(WAIT, () -> {
                    RawHttp.Response r = readyz(metrics);
                    return r != null && r.status() == 503;
                }, "503 once Redis is gone");
                assertThat(RawHttp.get(metrics, "/readyz").text()).as("only the bus failed")
                        .matches("\\{\"status\":\"not ready\",\"listening\":true,\"programs\":\\d+,\"maxforks\":\\d+,"
                                + "\"roombus\":\"unreachable\"}\n");
                assertThat(scrape(metrics)).containsEntry("wsbridge_roombus_connected", 0.0)
                        .containsEntry("wsbridge_room_clients", 1.0);

                redis.restart();
                Waits.until(WAIT, () -> {
                    RawHttp.Response r = readyz(metrics);
                    return r != null && r.status() == 200;
                }, "200 once Redis is back");
                assertThat(RawHttp.get(metrics, "/readyz").text()).contains("\"roombus\":\"connected\"");
                assertThat(scrape(metrics)).containsEntry("wsbridge_roombus_connected", 1.0);
                a.sendClose(1000, "");
                assertThat(a.awaitEof(WAIT)).isTrue();
            }
            Waits.until(WAIT, () -> value(metrics, "wsbridge_rooms_open") == 0.0, "the room closed");
        }
    }

    private static boolean loaded(String line, String prefix) {
        return line.contains("[class,load] " + prefix);
    }

    private static int metricsPort(ExternalServer server) throws Exception {
        server.awaitOutput("Serving metrics and health", 20);
        String line = server.output().stream().filter(l -> l.contains("Serving metrics and health")).findFirst()
                .orElseThrow();
        String hostPort = line.substring(line.indexOf("http://") + 7, line.indexOf("/metrics"));
        return Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1));
    }

    /** Serves one room client and (with --metrics) one scrape and one probe; returns the classes loaded. */
    private static List<String> classesLoaded(String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("cat");
        try (ExternalServer server = ExternalServer.start(List.of("-verbose:class"), all.toArray(new String[0]))) {
            try (RawWebSocket ws = RawWebSocket.connect(server.port(), "/room")) {
                ws.sendText("hi");
                assertThat(ws.readMessage(WAIT).text()).isEqualTo("hi");
            }
            if (all.stream().anyMatch(a -> a.startsWith("--metrics"))) {
                int port = metricsPort(server);
                scrape(port);
                assertThat(RawHttp.get(port, "/readyz").status()).isEqualTo(200);
            }
            Waits.until(WAIT, () -> server.output().stream().anyMatch(l -> l.contains("DISCONNECT")),
                    "the client's end logged");
            return List.copyOf(server.output());
        }
    }

    @Test
    void eachFeatureLoadsItsClassesOnlyWithItsFlag() throws Exception {
        Predicate<String> metricsClass = l -> loaded(l, "io.wsbridge.metrics.") || loaded(l, "io.prometheus.");
        Predicate<String> roomsClass = l -> loaded(l, "io.wsbridge.rooms.");
        assertThat(classesLoaded("--rooms")).as("--rooms alone").anyMatch(roomsClass).noneMatch(metricsClass);
        assertThat(classesLoaded("--metrics=127.0.0.1:0")).as("--metrics alone").anyMatch(metricsClass)
                .noneMatch(roomsClass);
        assertThat(classesLoaded("--rooms", "--metrics=127.0.0.1:0")).as("both")
                .anyMatch(l -> loaded(l, "io.wsbridge.metrics.RoomMetrics "))
                .anyMatch(l -> loaded(l, "io.wsbridge.rooms.RoomActivity "));
    }
}
