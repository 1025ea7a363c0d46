package io.wsbridge.rooms;

import static org.assertj.core.api.Assertions.assertThat;

import io.wsbridge.testing.Client;
import io.wsbridge.testing.LogCapture;
import io.wsbridge.testing.PrometheusText;
import io.wsbridge.testing.RawWebSocket;
import io.wsbridge.testing.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * --slowclient with a client that stops reading, in a room whose program (cat) broadcasts far more than every
 * buffer on the way can hold (the kernel's, Netty's, and the 64 KiB --clientbuffer queue): 2000 messages of
 * 4 KiB, 8 MB. A fast client in the same room sends them and must get them all. --metrics counts what happened
 * to the slow client (closed, messages dropped, output paused) and the messages the room sent.
 */
@Timeout(120)
class SlowClientTest {
    private static final int MESSAGES = 2000;
    private static final String PAD = "x".repeat(4096 - 10);
    /** 8 x 4 KiB in flight: half the 64 KiB a client may have queued. */
    private static final int WINDOW = 8;

    private static String message(int i) {
        return String.format("%05d:", i) + PAD;
    }

    private static int seq(String text) {
        return Integer.parseInt(text.substring(0, 5));
    }

    private static TestServer room(String policy) throws Exception {
        return TestServer.start("--rooms", "--clientbuffer=64k", "--slowclient=" + policy, "--metrics=127.0.0.1:0",
                "/bin/cat");
    }

    private static int metricsPort(TestServer server) {
        return server.server().metricsAddress().getPort();
    }

    /**
     * Sends everything from {@code fast}, at most {@code WINDOW} messages ahead of what it got back (so that the
     * fast client's own queue never fills, however busy the machine), and reads back what it gets, in order.
     */
    private static void sendAllAndReceiveAll(Client fast) throws Exception {
        for (int i = 1; i <= MESSAGES + WINDOW; i++) {
            if (i <= MESSAGES) {
                fast.send(message(i));
            }
            if (i > WINDOW) {
                assertThat(seq(fast.nextText(30))).isEqualTo(i - WINDOW);
            }
        }
    }

    @Test
    void closeTheSlowClientWith1008AndTheOthersGoOn() throws Exception {
        try (TestServer server = room("close");
             LogCapture log = LogCapture.of("room");
             Client fast = Client.connect(server.url("/r"));
             RawWebSocket slow = RawWebSocket.connect(server.port(), "/r", Map.of(), 4096)) {
            sendAllAndReceiveAll(fast);
            RawWebSocket.Frame close = slow.awaitClose(Duration.ofSeconds(30));
            assertThat(close).isNotNull();
            assertThat(close.payload()).startsWith(0x03, 0xF0); // 1008
            assertThat(new String(close.payload(), 2, close.payload().length - 2)).isEqualTo("too slow");
            assertThat(log.lines()).anyMatch(l -> l.contains("too slow"));
            Map<String, Double> m = PrometheusText.scrape(metricsPort(server));
            assertThat(m).containsEntry("wsbridge_room_slow_client_closes_total", 1.0)
                    .containsEntry("wsbridge_room_messages_dropped_total", 0.0)
                    .containsEntry("wsbridge_room_output_pauses_total", 0.0)
                    .containsEntry("wsbridge_room_messages_total", (double) MESSAGES);
        }
    }

    @Test
    void dropTheSlowClientsOldestMessagesAndTheOthersGoOn() throws Exception {
        try (TestServer server = room("drop");
             LogCapture log = LogCapture.of("room");
             Client fast = Client.connect(server.url("/r"));
             RawWebSocket slow = RawWebSocket.connect(server.port(), "/r", Map.of(), 4096)) {
            sendAllAndReceiveAll(fast);
            List<Integer> got = new ArrayList<>();
            while (got.isEmpty() || got.get(got.size() - 1) < MESSAGES) {
                RawWebSocket.Frame f = slow.readMessage(Duration.ofSeconds(30));
                assertThat(f).as("still open, after %s messages", got.size()).isNotNull();
                got.add(seq(f.text()));
            }
            assertThat(got).as("in order, the newest last").isSorted().doesNotHaveDuplicates();
            assertThat(got.size()).as("some were dropped").isLessThan(MESSAGES);
            slow.sendClose(1000, "");
            slow.awaitEof(Duration.ofSeconds(10));
            int dropped = MESSAGES - got.size();
            io.wsbridge.testing.Waits.until(Duration.ofSeconds(10),
                    () -> log.lines().stream().anyMatch(l -> l.contains(dropped + " messages were dropped")),
                    "the number dropped in the log when it leaves");
            Map<String, Double> m = PrometheusText.scrape(metricsPort(server));
            assertThat(m).containsEntry("wsbridge_room_messages_dropped_total", (double) dropped)
                    .containsEntry("wsbridge_messages_total{direction=\"out\"}", (double) MESSAGES + got.size())
                    .containsEntry("wsbridge_room_slow_client_closes_total", 0.0)
                    .containsEntry("wsbridge_room_output_pauses_total", 0.0)
                    .containsEntry("wsbridge_room_messages_total", (double) MESSAGES);
        }
    }

    @Test
    void waitLosesNothingEveryoneGoesAtTheSlowestPace() throws Exception {
        try (TestServer server = room("wait");
             Client fast = Client.connect(server.url("/r"));
             RawWebSocket slow = RawWebSocket.connect(server.port(), "/r", Map.of(), 4096)) {
            // Not windowed: under --slowclient=wait nobody is closed or loses anything, whatever the pace.
            Thread sender = new Thread(() -> {
                try {
                    for (int i = 1; i <= MESSAGES; i++) {
                        fast.send(message(i));
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            sender.setDaemon(true);
            sender.start();
            int fastGot = 0;
            while (true) { // until the room stops for the slow client (no message for 1 s), at most 30 s
                Client.Event e = fast.poll(1000);
                if (e == null) {
                    break;
                }
                assertThat(seq(((Client.Text) e).text())).isEqualTo(++fastGot);
                assertThat(fastGot).as("the room should have waited for the slow client").isLessThan(MESSAGES);
            }
            for (int i = 1; i <= MESSAGES; i++) { // the slow client reads: everything, in order
                RawWebSocket.Frame f = slow.readMessage(Duration.ofSeconds(30));
                assertThat(f).isNotNull();
                assertThat(seq(f.text())).isEqualTo(i);
            }
            while (fastGot < MESSAGES) {
                assertThat(seq(fast.nextText(30))).isEqualTo(++fastGot);
            }
            sender.join(10_000);
            Map<String, Double> m = PrometheusText.scrape(metricsPort(server));
            assertThat(m.get("wsbridge_room_output_pauses_total")).as("the room waited").isGreaterThanOrEqualTo(1.0);
            assertThat(m).containsEntry("wsbridge_room_messages_dropped_total", 0.0)
                    .containsEntry("wsbridge_room_slow_client_closes_total", 0.0)
                    .containsEntry("wsbridge_room_messages_total", (double) MESSAGES);
        }
    }
}
