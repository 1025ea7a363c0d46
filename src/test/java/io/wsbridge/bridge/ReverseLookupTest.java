package io.wsbridge.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.wsbridge.cli.Config;
import io.wsbridge.cli.ConfigParser;
import io.wsbridge.server.WsbridgeServer;
import io.wsbridge.session.ReverseLookup;
import io.wsbridge.testing.RawWebSocket;
import io.wsbridge.testing.Scripts;
import io.wsbridge.testing.TestServer;
import io.wsbridge.testing.Waits;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** --reverselookup: REMOTE_HOST from a lookup that never holds up the event loops. */
@Timeout(60)
class ReverseLookupTest {
    @TempDir
    Path dir;

    private Path remoteHostThenEcho() {
        return Scripts.sh(dir, "host.sh", """
                echo "REMOTE_HOST=$REMOTE_HOST"
                echo "REMOTE_ADDR=$REMOTE_ADDR"
                exec cat
                """);
    }

    /** A real server on an ephemeral 127.0.0.1 port with {@code lookup} as its resolver. */
    private WsbridgeServer start(ReverseLookup lookup, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("--address=127.0.0.1", "--reverselookup"));
        all.addAll(List.of(args));
        all.add(remoteHostThenEcho().toString());
        Config config = ((ConfigParser.Run) new ConfigParser(System.getenv()).parse(all.toArray(String[]::new)))
                .config();
        WsbridgeServer server = new WsbridgeServer(config.withListen(config.listen().withPort(0)), System.getenv(),
                lookup);
        server.start();
        return server;
    }

    private static int port(WsbridgeServer server) {
        return server.boundAddresses().get(0).getPort();
    }

    private static String text(RawWebSocket ws) throws Exception {
        RawWebSocket.Frame f = ws.readMessage(Duration.ofSeconds(10));
        assertThat(f).isNotNull();
        return f.text();
    }

    @Test
    void loopbackResolvesToLocalhostWithTheSystemResolver() throws Exception {
        try (TestServer server = TestServer.start("--reverselookup", remoteHostThenEcho().toString());
             RawWebSocket ws = RawWebSocket.connect(server.port(), "/")) {
            assertThat(text(ws)).isEqualTo("REMOTE_HOST=localhost"); // /etc/hosts: 127.0.0.1 localhost
            assertThat(text(ws)).isEqualTo("REMOTE_ADDR=127.0.0.1");
        }
        try (TestServer server = TestServer.start(remoteHostThenEcho().toString());
             RawWebSocket ws = RawWebSocket.connect(server.port(), "/")) {
            assertThat(text(ws)).as("without the flag: the address").isEqualTo("REMOTE_HOST=127.0.0.1");
        }
    }

    @Test
    void aSlowLookupHoldsUpOnlyItsOwnSession() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        ReverseLookup lookup = new ReverseLookup(address -> {
            if (calls.incrementAndGet() == 1) {
                release.await(20, TimeUnit.SECONDS);
                return "slow.example";
            }
            return "fast.example";
        }, 30_000);
        WsbridgeServer server = start(lookup);
        // Its 101 waits for the lookup and the program; a message sent with the request waits with it.
        CompletableFuture<RawWebSocket> slowUpgrade = CompletableFuture.supplyAsync(() -> {
            try {
                return RawWebSocket.connectWithEarlyBytes(port(server), "/", RawWebSocket.frame(RawWebSocket.TEXT,
                        true, "sent while the lookup runs".getBytes(StandardCharsets.UTF_8), true, 0));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        try {
            Waits.until(Duration.ofSeconds(5), () -> calls.get() == 1, "first lookup under way");
            // Four more sessions: with one event loop per core, some share the slow one's loop.
            for (int i = 0; i < 4; i++) {
                try (RawWebSocket other = RawWebSocket.connect(port(server), "/")) {
                    assertThat(text(other)).isEqualTo("REMOTE_HOST=fast.example");
                    assertThat(text(other)).isEqualTo("REMOTE_ADDR=127.0.0.1");
                    other.sendText("echo " + i);
                    assertThat(text(other)).isEqualTo("echo " + i);
                }
            }
            RawWebSocket.HttpReply plain = RawWebSocket.rawRequest(port(server),
                    "GET /nothing HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertThat(plain.status()).isEqualTo(404);
            assertThat(release.getCount()).as("the slow lookup is still blocked").isEqualTo(1);
            assertThat(slowUpgrade).as("no 101 before its program runs").isNotDone();
            release.countDown();
            try (RawWebSocket slow = slowUpgrade.get(10, TimeUnit.SECONDS)) {
                assertThat(text(slow)).isEqualTo("REMOTE_HOST=slow.example");
                assertThat(text(slow)).isEqualTo("REMOTE_ADDR=127.0.0.1");
                assertThat(text(slow)).as("kept, not lost").isEqualTo("sent while the lookup runs");
            }
        } finally {
            release.countDown();
            server.shutdown();
        }
    }

    @Test
    void aLookupThatTakesTooLongOrFailsFallsBackToTheAddress() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        ReverseLookup lookup = new ReverseLookup(address -> {
            never.await(20, TimeUnit.SECONDS);
            return "too.late";
        }, 300);
        WsbridgeServer server = start(lookup);
        long t0 = System.nanoTime();
        try (RawWebSocket ws = RawWebSocket.connect(port(server), "/")) {
            assertThat(text(ws)).isEqualTo("REMOTE_HOST=127.0.0.1");
            assertThat((System.nanoTime() - t0) / 1_000_000).isBetween(200L, 3000L);
        } finally {
            never.countDown();
            server.shutdown();
        }
        WsbridgeServer failing = start(new ReverseLookup(address -> {
            throw new java.net.UnknownHostException("no PTR record");
        }, 5000));
        try (RawWebSocket ws = RawWebSocket.connect(port(failing), "/")) {
            assertThat(text(ws)).isEqualTo("REMOTE_HOST=127.0.0.1");
        } finally {
            failing.shutdown();
        }
    }

    @Test
    void aClientThatLeavesDuringTheLookupGetsNoProgramAndGivesItsSlotBack() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        ReverseLookup lookup = new ReverseLookup(address -> {
            if (calls.incrementAndGet() == 1) {
                release.await(20, TimeUnit.SECONDS);
            }
            return "host.example";
        }, 30_000);
        WsbridgeServer server = start(lookup, "--maxforks=1");
        try {
            Socket leaving = new Socket("127.0.0.1", port(server)); // its 101 would come after the lookup
            leaving.getOutputStream().write(("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            Waits.until(Duration.ofSeconds(5), () -> calls.get() == 1, "lookup under way");
            assertThat(server.liveChildren()).as("slot taken at the upgrade").isEqualTo(1);
            leaving.close();
            Waits.until(Duration.ofSeconds(5), () -> server.liveChildren() == 0, "slot given back");
            try (RawWebSocket next = RawWebSocket.connect(port(server), "/")) {
                assertThat(text(next)).isEqualTo("REMOTE_HOST=host.example");
                release.countDown(); // the first lookup ends now: nothing may start for the client that left
                next.sendText("one");
                assertThat(text(next)).isEqualTo("REMOTE_ADDR=127.0.0.1");
                assertThat(text(next)).isEqualTo("one");
                assertThat(server.liveChildren()).isEqualTo(1);
                assertThat(RawWebSocket.tryUpgrade(port(server), "/", Map.of()).status()).isEqualTo(429);
            }
        } finally {
            release.countDown();
            server.shutdown();
        }
    }
}
