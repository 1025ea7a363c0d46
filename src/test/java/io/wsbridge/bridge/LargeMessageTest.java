package io.wsbridge.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.wsbridge.testing.ExternalServer;
import io.wsbridge.testing.RawWebSocket;
import io.wsbridge.testing.Scripts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * 100 MB lines and messages stream through a server whose whole heap and direct memory are 32 MB: nothing
 * is held whole on the way.
 */
@Timeout(180)
class LargeMessageTest {
    private static final long SIZE = 100_000_000L;
    private static final List<String> SMALL_JVM = List.of("-Xmx32m", "-XX:MaxDirectMemorySize=32m",
            "-XX:+UseSerialGC");

    @TempDir
    Path dir;

    @Test
    void a100MegabyteLineFromTheChildArrivesAsOneMessage() throws Exception {
        Path script = Scripts.sh(dir, "bigline.sh",
                "head -c " + SIZE + " /dev/zero | tr '\\0' a; echo; echo after");
        try (ExternalServer server = ExternalServer.start(SMALL_JVM, script.toString());
             RawWebSocket ws = RawWebSocket.connect(server.port(), "/")) {
            long received = 0;
            int frames = 0;
            RawWebSocket.Frame f;
            do {
                f = ws.readFrame(Duration.ofSeconds(30));
                assertThat(f).isNotNull();
                assertThat(f.opcode()).isEqualTo(frames == 0 ? RawWebSocket.TEXT : RawWebSocket.CONTINUATION);
                for (byte b : f.payload()) {
                    if (b != 'a') {
                        throw new AssertionError("unexpected byte " + b + " at " + received);
                    }
                }
                received += f.payload().length;
                frames++;
            } while (!f.fin());
            assertThat(received).isEqualTo(SIZE);
            assertThat(ws.readMessage(Duration.ofSeconds(30)).text()).isEqualTo("after");
            assertThat(ws.awaitClose(Duration.ofSeconds(30)).closeCode()).isEqualTo(1000);
            assertThat(server.output()).noneMatch(l -> l.contains("OutOfMemory"));
        }
    }

    @Test
    void a100MegabyteMessageFromTheClientReachesTheChildWhole() throws Exception {
        Path script = Scripts.sh(dir, "count.sh", "head -c " + (SIZE + 1) + " | wc -c");
        try (ExternalServer server = ExternalServer.start(SMALL_JVM, "--maxframesize=0", script.toString());
             RawWebSocket ws = RawWebSocket.connect(server.port(), "/")) {
            ws.sendLargeFrame(RawWebSocket.TEXT, SIZE, (byte) 'z'); // one frame, as browsers send it
            RawWebSocket.Frame answer = ws.readMessage(Duration.ofSeconds(60));
            assertThat(new String(answer.payload(), StandardCharsets.US_ASCII).trim())
                    .isEqualTo(Long.toString(SIZE + 1)); // the message and its newline
            assertThat(server.output()).noneMatch(l -> l.contains("OutOfMemory"));
        }
    }
}
