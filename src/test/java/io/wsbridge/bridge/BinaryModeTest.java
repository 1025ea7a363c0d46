package io.wsbridge.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.wsbridge.testing.Client;
import io.wsbridge.testing.RawWebSocket;
import io.wsbridge.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** --binary: bytes pass both ways untouched; text frames are ignored. */
@Timeout(60)
class BinaryModeTest {
    @Test
    void binaryMessagesReachTheChildRawAndComeBackAsBinary() throws Exception {
        byte[] data = new byte[300_000];
        new Random(7).nextBytes(data);
        try (TestServer server = TestServer.start("--binary", "cat");
             RawWebSocket ws = RawWebSocket.connect(server.port(), "/")) {
            ws.sendBinary(data);
            ByteArrayOutputStream back = new ByteArrayOutputStream();
            while (back.size() < data.length) {
                RawWebSocket.Frame f = ws.readMessage(Duration.ofSeconds(10));
                assertThat(f.opcode()).isEqualTo(RawWebSocket.BINARY);
                back.writeBytes(f.payload());
            }
            assertThat(back.toByteArray()).isEqualTo(data);
        }
    }

    @Test
    void textFramesAreIgnoredInBinaryMode() throws Exception {
        try (TestServer server = TestServer.start("--binary=true", "cat");
             Client client = Client.connect(server.url("/"))) {
            client.send("ignored");
            client.sendBinary(new byte[] {0, 1, 2, '\n', (byte) 0xff});
            Client.Event e = client.next(10);
            assertThat(e).isInstanceOf(Client.Binary.class);
            assertThat(((Client.Binary) e).data()).containsExactly(0, 1, 2, '\n', (byte) 0xff);
        }
    }

    @Test
    void binaryFramesAreIgnoredInTextMode() throws Exception {
        try (TestServer server = TestServer.start("cat");
             Client client = Client.connect(server.url("/"))) {
            client.sendBinary(new byte[] {'n', 'o', '\n'});
            client.send("yes");
            assertThat(client.nextText(10)).isEqualTo("yes");
        }
    }
}
