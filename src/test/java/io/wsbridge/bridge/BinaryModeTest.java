package io.wsbridge.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.wsbridge.testing.Client;
import io.wsbridge.testing.ExternalServer;
import io.wsbridge.testing.Scripts;
import io.wsbridge.testing.RawWebSocket;
import io.wsbridge.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** --binary: bytes pass both ways untouched; text frames are ignored. */
@Timeout(60)
class BinaryModeTest {
    @TempDir
    Path dir;

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

    /**
     * One write of the program, up to the pipe's capacity (64 KiB), is one message, as in websocketd, also
     * after small ones (the reader's buffer does not shrink to the small ones). Each write waits for the
     * client's "next", so two writes never meet in the pipe.
     */
    @Test
    void everyWriteOfTheProgramUpToThePipesCapacityIsOneMessage() throws Exception {
        int[] sizes = {10, 1000, 3, 10_000, 7, 60_000, 1, 65_536, 5, 4096, 2};
        Path script = Scripts.sh(dir, "writes.sh", "for n in " + Arrays.stream(sizes).mapToObj(Integer::toString)
                .collect(Collectors.joining(" ")) + "; do\n"
                + "  dd if=/dev/urandom bs=$n count=1 iflag=fullblock status=none\n"
                + "  read -r next || exit 0\n"
                + "done\n");
        try (TestServer server = TestServer.start("--binary", script.toString())) {
            assertThat(messageSizes(server.port(), sizes.length)).containsExactly(sizes);
        }
        // The same with the portable backend (pipe threads).
        try (ExternalServer server = ExternalServer.start(List.of("-Dwsbridge.process=threads"), "--binary",
                script.toString())) {
            assertThat(messageSizes(server.port(), sizes.length)).containsExactly(sizes);
        }
    }

    private static int[] messageSizes(int port, int count) throws Exception {
        int[] got = new int[count];
        try (RawWebSocket ws = RawWebSocket.connect(port, "/")) {
            for (int i = 0; i < count; i++) {
                RawWebSocket.Frame f = ws.readMessage(Duration.ofSeconds(10));
                assertThat(f.opcode()).isEqualTo(RawWebSocket.BINARY);
                got[i] = f.payload().length;
                ws.sendBinary("next\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            }
        }
        return got;
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
