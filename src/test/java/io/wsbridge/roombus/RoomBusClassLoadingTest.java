package io.wsbridge.roombus;

import static org.assertj.core.api.Assertions.assertThat;

import io.wsbridge.testing.ExternalServer;
import io.wsbridge.testing.RawWebSocket;
import io.wsbridge.testing.RedisServer;
import io.wsbridge.testing.Waits;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Without the bus, no Redis class is loaded (start-up stays as it was): checked with -verbose:class on a real
 * server that serves a connection, and on parsing a bus URL (which the command line does before anything else).
 * The control run, which does start a bus, shows that the check would see them.
 */
@Timeout(60)
class RoomBusClassLoadingTest {
    private static boolean redisClass(String line) {
        return line.contains(" io.lettuce.") || line.contains(" reactor.core.") || line.contains(" redis.clients.");
    }

    @Test
    void aServerWithoutTheBusLoadsNoRedisClass() throws Exception {
        try (ExternalServer server = ExternalServer.start(List.of("-verbose:class"), "cat");
             RawWebSocket ws = RawWebSocket.connect(server.port(), "/")) {
            ws.sendText("hello");
            assertThat(ws.readMessage(Duration.ofSeconds(10)).text()).isEqualTo("hello");
            Waits.until(Duration.ofSeconds(10), () -> server.output().stream().anyMatch(l -> l.contains("[class,load]")),
                    "class loading is logged");
            assertThat(server.output()).noneMatch(RoomBusClassLoadingTest::redisClass);
        }
    }

    @Test
    void aRoomsServerWithoutTheBusLoadsNoRedisClass() throws Exception {
        try (ExternalServer server = ExternalServer.start(List.of("-verbose:class"), "--rooms", "cat");
             RawWebSocket ws = RawWebSocket.connect(server.port(), "/room")) {
            ws.sendText("hello room");
            assertThat(ws.readMessage(Duration.ofSeconds(10)).text()).isEqualTo("hello room");
            assertThat(server.output()).anyMatch(l -> l.contains("io.wsbridge.rooms.Room "))
                    .noneMatch(RoomBusClassLoadingTest::redisClass)
                    .noneMatch(l -> l.contains("io.wsbridge.roombus.") || l.contains("io.wsbridge.rooms.BusLink"));
        }
    }

    @Test
    void parsingABusAddressLoadsNoRedisClassButStartingABusDoes() throws Exception {
        String port = Integer.toString(RedisServer.freePort());
        assertThat(probe("address", port)).anyMatch(l -> l.startsWith("parsed redis://127.0.0.1:"))
                .noneMatch(RoomBusClassLoadingTest::redisClass);
        assertThat(probe("connect", port)).anyMatch(l -> l.startsWith("unavailable: Can't reach the room bus at"))
                .anyMatch(RoomBusClassLoadingTest::redisClass);
    }

    private static List<String> probe(String what, String port) throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-verbose:class", "-cp", System.getProperty("java.class.path"), LoadProbe.class.getName(), what, port)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return out.lines().toList();
    }
}
