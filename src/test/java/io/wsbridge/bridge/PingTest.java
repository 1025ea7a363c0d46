package io.wsbridge.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.wsbridge.testing.Client;
import io.wsbridge.testing.RawWebSocket;
import io.wsbridge.testing.Scripts;
import io.wsbridge.testing.TestServer;
import io.wsbridge.testing.Waits;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** --pingms: pings at the interval; a client that leaves a ping without pong for two intervals is dropped. */
@Timeout(60)
class PingTest {
    @TempDir
    Path dir;

    @Test
    void aClientThatAnswersPingsStaysConnected() throws Exception {
        // 250 ms: the pong to each ping may come up to 500 ms late before the server gives up (counted from the
        // ping, not from the last pong, which left one interval), slack for a test thread on a loaded machine.
        try (TestServer server = TestServer.start("--pingms=250", "cat");
             RawWebSocket ws = RawWebSocket.connect(server.port(), "/")) {
            int pings = 0;
            long end = System.nanoTime() + Duration.ofMillis(2500).toNanos();
            while (System.nanoTime() < end) {
                RawWebSocket.Frame f;
                try {
                    f = ws.readFrame(Duration.ofNanos(Math.max(1_000_000, end - System.nanoTime())));
                } catch (SocketTimeoutException e) {
                    break;
                }
                assertThat(f).as("connection still open").isNotNull();
                assertThat(f.opcode()).as("only pings arrive").isEqualTo(RawWebSocket.PING);
                ws.send(RawWebSocket.PONG, true, f.payload());
                pings++;
            }
            assertThat(pings).as("pings in 2.5 s at 250 ms").isBetween(6, 11);
            // Pings go on while cat echoes: they are answered here too (a client that stopped answering would
            // rightly be dropped before a slow echo arrives).
            ws.sendText("still here");
            long echoDeadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            RawWebSocket.Frame f;
            while ((f = ws.readFrame(Duration.ofNanos(Math.max(1_000_000, echoDeadline - System.nanoTime()))))
                    != null && f.opcode() == RawWebSocket.PING) {
                ws.send(RawWebSocket.PONG, true, f.payload());
            }
            assertThat(f).as("connection still open").isNotNull();
            assertThat(f.opcode()).isEqualTo(RawWebSocket.TEXT);
            assertThat(new String(f.payload(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("still here");
        }
    }

    @Test
    void theJdkClientAnswersByItselfAndStaysConnected() throws Exception {
        try (TestServer server = TestServer.start("--pingms=250", "cat");
             Client client = Client.connect(server.url("/"))) {
            long end = System.nanoTime() + Duration.ofMillis(1500).toNanos();
            int n = 0;
            while (System.nanoTime() < end) {
                client.send("m" + n);
                assertThat(client.nextText(5)).isEqualTo("m" + n);
                n++;
                Thread.sleep(50); // time passing is the point: several ping intervals go by
            }
            assertThat(server.liveChildren()).isEqualTo(1);
        }
    }

    @Test
    void aClientThatNeverAnswersIsDroppedAfterTwoIntervalsAndItsProgramEnds() throws Exception {
        Path pidFile = dir.resolve("pid");
        Path script = Scripts.sh(dir, "stubborn.sh", """
                trap '' INT
                echo $$ > %s
                echo ready
                while :; do sleep 0.05; done
                """.formatted(pidFile));
        try (TestServer server = TestServer.start("--pingms=200", script.toString());
             RawWebSocket ws = RawWebSocket.connect(server.port(), "/")) {
            long connected = System.nanoTime();
            int pings = 0;
            RawWebSocket.Frame f;
            while ((f = ws.readFrame(Duration.ofSeconds(5))) != null && f.opcode() != RawWebSocket.CLOSE) {
                if (f.opcode() == RawWebSocket.PING) {
                    pings++; // deliberately not answered
                }
            }
            long closedAfterMs = (System.nanoTime() - connected) / 1_000_000;
            assertThat(f).as("a close frame before the connection ends").isNotNull();
            assertThat(f.closeCode()).isEqualTo(1001);
            assertThat(f.closeReason()).isEqualTo("no pong within 400 ms");
            assertThat(closedAfterMs).as("the first ping at 200 ms, then 400 ms without pong").isBetween(500L, 1200L);
            assertThat(pings).isBetween(1, 3);
            assertThat(ws.awaitEof(Duration.ofSeconds(2))).as("TCP closed without waiting for our close").isTrue();
            long pid = Long.parseLong(Files.readString(pidFile).trim());
            Waits.until(Duration.ofSeconds(5), () -> ProcessHandle.of(pid).isEmpty(), "program ended by the ladder");
            Waits.until(Duration.ofSeconds(5), () -> server.liveChildren() == 0, "fork slot released");
        }
    }

    @Test
    void otherTrafficDoesNotCountAsAPong() throws Exception {
        try (TestServer server = TestServer.start("--pingms=100", "cat");
             RawWebSocket ws = RawWebSocket.connect(server.port(), "/")) {
            long connected = System.nanoTime();
            RawWebSocket.Frame f = null;
            try {
                for (int i = 0; i < 50; i++) {
                    ws.sendText("busy " + i);
                    ws.send(RawWebSocket.PING, true, new byte[] {1}); // answered by the server, but not a pong
                    f = ws.readMessage(Duration.ofSeconds(2));
                    if (f == null || f.opcode() == RawWebSocket.CLOSE) {
                        break;
                    }
                    Thread.sleep(20);
                }
            } catch (java.io.IOException e) {
                f = ws.awaitClose(Duration.ofSeconds(2)); // the server closed between our writes
            }
            assertThat(f).isNotNull();
            assertThat(f.opcode()).isEqualTo(RawWebSocket.CLOSE);
            assertThat(f.closeCode()).isEqualTo(1001);
            assertThat((System.nanoTime() - connected) / 1_000_000).isBetween(180L, 800L);
        }
    }

    /**
     * While wsbridge does not read the socket (its program does not read stdin and the pipe is full), the
     * client's pongs could not be seen, so that time does not count against it.
     */
    @Test
    void theClockStopsWhileTheServerIsNotReadingTheClient() throws Exception {
        try (TestServer server = TestServer.start("--pingms=100", "--maxframesize=0", "sleep", "30");
             RawWebSocket ws = RawWebSocket.connect(server.port(), "/")) {
            byte[] block = new byte[16 * 1024];
            Arrays.fill(block, (byte) 'x');
            String text = new String(block, java.nio.charset.StandardCharsets.US_ASCII);
            for (int i = 0; i < 10; i++) {
                ws.sendText(text); // 160 KiB: more than the pipe takes, so reading the socket pauses
            }
            long end = System.nanoTime() + Duration.ofMillis(800).toNanos();
            while (System.nanoTime() < end) {
                RawWebSocket.Frame f;
                try {
                    f = ws.readFrame(Duration.ofNanos(Math.max(1_000_000, end - System.nanoTime())));
                } catch (SocketTimeoutException e) {
                    break;
                }
                assertThat(f).as("still connected").isNotNull();
                assertThat(f.opcode()).as("no close while unread").isEqualTo(RawWebSocket.PING);
            }
            assertThat(server.liveChildren()).isEqualTo(1);
        }
    }
}
