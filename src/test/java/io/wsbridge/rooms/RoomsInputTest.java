package io.wsbridge.rooms;

import static org.assertj.core.api.Assertions.assertThat;

import io.wsbridge.testing.Client;
import io.wsbridge.testing.RawWebSocket;
import io.wsbridge.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What reaches a room's program from several clients: whole messages, and --binary as it is. */
@Timeout(60)
class RoomsInputTest {
    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void messagesOfDifferentClientsNeverInterleaveInsideALine() throws Exception {
        try (TestServer server = TestServer.start("--rooms", "/bin/cat");
             RawWebSocket a = RawWebSocket.connect(server.port(), "/r");
             RawWebSocket b = RawWebSocket.connect(server.port(), "/r")) {
            a.send(RawWebSocket.TEXT, false, utf8("a-first-half "));
            b.sendText("b whole");
            assertThat(b.readMessage(Duration.ofSeconds(10)).text()).as("b's message goes on at once")
                    .isEqualTo("b whole");
            a.send(RawWebSocket.CONTINUATION, true, utf8("a-second-half"));
            List<String> got = new ArrayList<>();
            got.add(a.readMessage(Duration.ofSeconds(10)).text());
            got.add(a.readMessage(Duration.ofSeconds(10)).text());
            assertThat(got).containsExactly("b whole", "a-first-half a-second-half");
            assertThat(b.readMessage(Duration.ofSeconds(10)).text()).isEqualTo("a-first-half a-second-half");
        }
    }

    @Test
    void binaryRoomsBroadcastTheRawChunks() throws Exception {
        try (TestServer server = TestServer.start("--rooms", "--binary", "/bin/cat");
             Client a = Client.connect(server.url("/bin"));
             Client b = Client.connect(server.url("/bin"))) {
            byte[] data = {0, 1, 2, (byte) 0xff, '\n', 'x'};
            a.sendBinary(data);
            for (Client c : List.of(a, b)) {
                Client.Event e = c.next(10);
                assertThat(e).isInstanceOf(Client.Binary.class);
                assertThat(((Client.Binary) e).data()).isEqualTo(data);
            }
        }
    }
}
