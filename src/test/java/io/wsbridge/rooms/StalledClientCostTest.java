package io.wsbridge.rooms;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.PooledByteBufAllocator;
import io.wsbridge.testing.Client;
import io.wsbridge.testing.RawWebSocket;
import io.wsbridge.testing.Scripts;
import io.wsbridge.testing.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a client that stops reading costs the rest of its room, per --slowclient policy: the server's memory
 * held for it stays within --clientbuffer plus the socket's buffers, and (close, drop) the other clients keep
 * the pace they have without it, or (wait) everyone waits for it and nobody loses anything.
 *
 * <p>The room's program prints {@value #LINES} numbered lines of {@value #LINE_BYTES} bytes when told "go",
 * paced at {@value #RATE} bytes a second: far more than every buffer on the way can hold, at a pace that a
 * reading client keeps on a loaded machine (an unpaced flood would make the readers slow clients too, and
 * under close or drop that would be the policy working, not a failure). The pace is a schedule, so a program
 * that was descheduled catches up. The readers' rate is compared with a control room in the same server,
 * same program, no stalled client; memory is the server allocator's pinned direct memory (the bytes of live
 * buffers: the room's bursts, the member queues, the channels' outbound buffers).
 */
@Timeout(180)
class StalledClientCostTest {
    private static final int LINES = 12_000;
    private static final int LINE_BYTES = 1024;
    private static final int RATE = 8 << 20;
    private static final int READERS = 3;
    private static final long CLIENT_BUFFER = 256 * 1024;
    /** The server's high water mark for a connection's outbound buffer (WsbridgeServer.WATER_MARK). */
    private static final long OUTBOUND = 256 * 1024;
    /** A burst (one stdout read's frames) is sent at 64 KiB; its buffer may be up to twice what it holds. */
    private static final long BURST = 128 * 1024;
    /**
     * What the server may hold for the room's clients without any of them being closed or losing a message:
     * for each (the stalled one, and the readers, which may lag on a loaded machine), a full queue and a full
     * outbound buffer with one more burst on top, each burst's buffer up to twice its content; plus 1 MiB for
     * the program's output being read. About a third of what the program prints: a stalled client's queue
     * that is not bounded holds most of it (18 MB measured), and cannot pass.
     */
    private static final long MEMORY_BOUND = 2 * (READERS + 1) * (CLIENT_BUFFER + OUTBOUND + BURST) + (1 << 20);
    /** Per line a reader waits at most (the program needs {@code LINES * LINE_BYTES / RATE} = 1.5 s in all). */
    private static final long LINE_TIMEOUT_S = 20;

    @TempDir
    Path dir;

    private TestServer room(String policy) throws Exception {
        String program = """
                import sys, time
                pad = "x" * (%d - 9)
                for line in sys.stdin:
                    if line.strip() != "go":
                        sys.stdout.write(line)
                        sys.stdout.flush()
                        continue
                    start = time.monotonic()
                    for first in range(0, %d, 64):
                        delay = start + first * %d / %d - time.monotonic()
                        if delay > 0:
                            time.sleep(delay)
                        sys.stdout.write("".join("%%07d %%s\\n" %% (i, pad) for i in range(first, min(%d, first + 64))))
                        sys.stdout.flush()
                """.formatted(LINE_BYTES, LINES, LINE_BYTES, RATE, LINES);
        Path script = Scripts.python(dir, "paced.py", program);
        return TestServer.start("--rooms", "--clientbuffer=" + CLIENT_BUFFER, "--slowclient=" + policy,
                script.toString());
    }

    private static int seq(String line) {
        return Integer.parseInt(line.substring(0, 7));
    }

    private static long pinned() {
        return PooledByteBufAllocator.DEFAULT.pinnedDirectMemory(); // the server's allocator (WsbridgeServer)
    }

    /** Samples the server's pinned direct memory until closed; the peak above what it was at the start. */
    private static final class MemoryPeak implements AutoCloseable {
        private final long baseline = pinned();
        private final AtomicLong peak = new AtomicLong(baseline);
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread sampler = new Thread(() -> {
            while (running.get()) {
                peak.accumulateAndGet(pinned(), Math::max);
                try {
                    Thread.sleep(2); // sampling, not synchronisation
                } catch (InterruptedException e) {
                    return;
                }
            }
        });

        MemoryPeak() {
            sampler.setDaemon(true);
            sampler.start();
        }

        long growth() {
            return Math.max(peak.get(), pinned()) - baseline;
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            sampler.join(5000);
        }
    }

    /** The readers and, when asked, one client that connects and then reads nothing (4 KiB receive buffer). */
    private static final class Clients implements AutoCloseable {
        final List<Client> readers = new ArrayList<>();
        final RawWebSocket stalled;

        Clients(TestServer server, String path, boolean withStalled) throws Exception {
            stalled = withStalled ? RawWebSocket.connect(server.port(), path, Map.of(), 4096) : null;
            for (int i = 0; i < READERS; i++) {
                readers.add(Client.connect(server.url(path)));
            }
            // Everyone joined and the program is up when every reader has the echo of this line.
            readers.get(READERS - 1).send("hello");
            for (Client r : readers) {
                assertThat(r.nextText(LINE_TIMEOUT_S)).isEqualTo("hello");
            }
        }

        /** Says "go" and reads every line at every reader; the seconds from "go" to the last line. */
        double goAndReadAll() throws Exception {
            long start = System.nanoTime();
            readers.get(0).send("go");
            for (Client r : readers) {
                for (int i = 0; i < LINES; i++) {
                    assertThat(seq(r.nextText(LINE_TIMEOUT_S))).as("line at a reader").isEqualTo(i);
                }
            }
            return (System.nanoTime() - start) / 1e9;
        }

        @Override
        public void close() throws Exception {
            for (Client r : readers) {
                r.close();
            }
            if (stalled != null) {
                stalled.close();
            }
        }
    }

    private record Run(double seconds, long memoryGrowth) {
        double linesPerSecond() {
            return LINES / seconds;
        }
    }

    @ParameterizedTest(name = "--slowclient={0}")
    @ValueSource(strings = {"close", "drop"})
    void theOthersKeepTheirPaceAndTheStalledClientCostsAtMostItsBuffer(String policy) throws Exception {
        try (TestServer server = room(policy)) {
            Run control;
            try (Clients room = new Clients(server, "/control", false); MemoryPeak memory = new MemoryPeak()) {
                control = new Run(room.goAndReadAll(), memory.growth());
            }
            try (Clients room = new Clients(server, "/stalled", true)) {
                Run stalled;
                try (MemoryPeak memory = new MemoryPeak()) {
                    stalled = new Run(room.goAndReadAll(), memory.growth());
                }
                System.out.printf("--slowclient=%s: control %.0f lines/s (%.2f s, +%d kB), with a stalled client "
                                + "%.0f lines/s (%.2f s, +%d kB); memory bound %d kB%n", policy,
                        control.linesPerSecond(), control.seconds(), control.memoryGrowth() / 1024,
                        stalled.linesPerSecond(), stalled.seconds(), stalled.memoryGrowth() / 1024,
                        MEMORY_BOUND / 1024);
                assertThat(stalled.linesPerSecond()).as("the readers' rate with a stalled client in the room, "
                        + "against %.0f lines/s without", control.linesPerSecond())
                        .isGreaterThanOrEqualTo(0.5 * control.linesPerSecond());
                assertThat(stalled.memoryGrowth()).as("server memory while a client of the room reads nothing")
                        .isLessThanOrEqualTo(MEMORY_BOUND);
                if (policy.equals("close")) {
                    RawWebSocket.Frame close = room.stalled.awaitClose(Duration.ofSeconds(30));
                    assertThat(close).isNotNull();
                    assertThat(close.closeCode()).isEqualTo(1008);
                    assertThat(close.closeReason()).isEqualTo("too slow");
                } else {
                    assertStalledGetsTheNewestInOrder(room.stalled);
                }
            }
        }
    }

    /** --slowclient=drop: what the stalled client gets when it reads at last: in order, the newest last. */
    private static void assertStalledGetsTheNewestInOrder(RawWebSocket stalled) throws Exception {
        assertThat(stalled.readMessage(Duration.ofSeconds(LINE_TIMEOUT_S)).text()).isEqualTo("hello");
        List<Integer> got = new ArrayList<>();
        while (got.isEmpty() || got.get(got.size() - 1) < LINES - 1) {
            RawWebSocket.Frame f = stalled.readMessage(Duration.ofSeconds(LINE_TIMEOUT_S));
            assertThat(f).as("still open, after %s lines", got.size()).isNotNull();
            assertThat(f.opcode()).as("a text message, after %s lines", got.size()).isEqualTo(RawWebSocket.TEXT);
            got.add(seq(f.text()));
        }
        assertThat(got).as("in order").isSorted().doesNotHaveDuplicates();
        assertThat(got.size()).as("some were dropped").isLessThan(LINES);
    }

    @Test
    void waitEveryoneGoesAtTheStalledClientsPaceAndNothingIsLost() throws Exception {
        try (TestServer server = room("wait");
             Clients room = new Clients(server, "/stalled", true)) {
            int[] got = new int[READERS];
            long growth;
            try (MemoryPeak memory = new MemoryPeak()) {
                room.readers.get(0).send("go");
                // The readers get what fits in the stalled client's buffers, then nothing for a second.
                for (int r = 0; r < READERS; r++) {
                    Client.Event e;
                    while ((e = room.readers.get(r).poll(1000)) != null) {
                        assertThat(seq(((Client.Text) e).text())).as("line at a reader").isEqualTo(got[r]++);
                    }
                }
                growth = memory.growth();
            }
            System.out.printf("--slowclient=wait: the readers stopped at lines %s of %d; +%d kB; bound %d kB%n",
                    Arrays.toString(got), LINES, growth / 1024, MEMORY_BOUND / 1024);
            assertThat(growth).as("server memory while a client of the room reads nothing")
                    .isLessThanOrEqualTo(MEMORY_BOUND);
            assertThat(Arrays.stream(got).max().orElseThrow()).as("lines at the readers: the room should have "
                    + "waited for the stalled client").isLessThan(LINES);
            long start = System.nanoTime();
            assertThat(room.stalled.readMessage(Duration.ofSeconds(LINE_TIMEOUT_S)).text()).isEqualTo("hello");
            for (int i = 0; i < LINES; i++) { // it reads at last: everything, in order
                RawWebSocket.Frame f = room.stalled.readMessage(Duration.ofSeconds(LINE_TIMEOUT_S));
                assertThat(f).as("still open, after %s lines", i).isNotNull();
                assertThat(seq(f.text())).isEqualTo(i);
            }
            for (int r = 0; r < READERS; r++) {
                while (got[r] < LINES) {
                    assertThat(seq(room.readers.get(r).nextText(LINE_TIMEOUT_S))).isEqualTo(got[r]++);
                }
            }
            System.out.printf("--slowclient=wait: the rest in %.2f s once the stalled client read%n",
                    (System.nanoTime() - start) / 1e9);
        }
    }
}
