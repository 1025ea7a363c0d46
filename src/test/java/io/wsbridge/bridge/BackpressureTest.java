package io.wsbridge.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.PooledByteBufAllocator;
import io.wsbridge.testing.RawWebSocket;
import io.wsbridge.testing.Scripts;
import io.wsbridge.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Flow control both ways with bounded memory: a child flooding a client that does not read, and a client
 * flooding a child that does not read. Nothing may be dropped and the server's buffers must stay small.
 */
@Timeout(120)
class BackpressureTest {
    /** Far above what the bounded buffers need, far below what an unbounded flood would take in 2 s. */
    private static final long MEMORY_BOUND = 24L << 20;

    @TempDir
    Path dir;

    /**
     * Bytes in the allocator's live buffers. Not usedDirectMemory(): that counts the pool's chunks, which the
     * arenas keep after earlier tests of this JVM freed their buffers (24 MiB of them after StalledClientCostTest,
     * the whole bound, before this test wrote a byte).
     */
    private static long usedDirect() {
        return PooledByteBufAllocator.DEFAULT.pinnedDirectMemory();
    }

    @Test
    void childFloodingASlowClientIsPausedNotBuffered() throws Exception {
        Path flood = Scripts.sh(dir, "flood.sh", "exec yes 0123456789abcdefghijklmnopqrstuvwxyz");
        try (TestServer server = TestServer.start(flood.toString());
             RawWebSocket ws = RawWebSocket.connect(server.port(), "/", java.util.Map.of(), 16 * 1024)) {
            long peak = 0;
            long end = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            while (System.nanoTime() < end) { // the client reads nothing for two seconds
                peak = Math.max(peak, usedDirect());
                Thread.sleep(20);
            }
            assertThat(peak).as("server direct memory while the client does not read").isLessThan(MEMORY_BOUND);
            for (int i = 0; i < 200_000; i++) {
                RawWebSocket.Frame f = ws.readMessage(Duration.ofSeconds(10));
                assertThat(f.text()).isEqualTo("0123456789abcdefghijklmnopqrstuvwxyz");
            }
        }
    }

    @Test
    void clientFloodingASlowChildIsPausedNotBuffered() throws Exception {
        long total = 48L << 20;
        Path slow = Scripts.sh(dir, "slow.sh", "sleep 2; head -c " + total + " | wc -c");
        try (TestServer server = TestServer.start("--binary", "--maxframesize=0", slow.toString());
             RawWebSocket ws = RawWebSocket.connect(server.port(), "/")) {
            long[] peak = {0};
            Thread sampler = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    peak[0] = Math.max(peak[0], usedDirect());
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            sampler.start();
            byte[] chunk = new byte[64 * 1024];
            for (long sent = 0; sent < total; sent += chunk.length) {
                ws.sendBinary(chunk); // blocks while TCP is full: that is the backpressure reaching us
            }
            RawWebSocket.Frame answer = ws.readMessage(Duration.ofSeconds(60));
            sampler.interrupt();
            sampler.join();
            assertThat(new String(answer.payload(), StandardCharsets.US_ASCII).trim()).isEqualTo(Long.toString(total));
            assertThat(peak[0]).as("server direct memory while the child does not read").isLessThan(MEMORY_BOUND);
        }
    }
}
