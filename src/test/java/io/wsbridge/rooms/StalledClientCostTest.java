package io.wsbridge.rooms;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.PooledByteBufAllocator;
import io.wsbridge.testing.Client;
import io.wsbridge.testing.RawWebSocket;
import io.wsbridge.testing.Scripts;
import io.wsbridge.testing.TestServer;
import io.wsbridge.testing.Waits;
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
 * same program, no stalled client. Memory is the server allocator's pinned direct memory (the bytes of live
 * buffers: the room's bursts, the member queues, the channels' outbound buffers), above what it was before
 * "go": once the readers have everything (or, with wait, got all they will), what is still held is held for
 * the stalled client, and must come down to its bound; the peak on the way, readers' backlogs included, is
 * bounded too, more loosely (how far the readers fall behind depends on the machine's load).
 */
@Timeout(180)
class StalledClientCostTest {
    private static final int LINES = 16_000;
    private static final int LINE_BYTES = 1024;
    private static final int RATE = 8 << 20;
    private static final int READERS = 3;
    private static final long CLIENT_BUFFER = 256 * 1024;
    /** The server's high water mark for a connection's outbound buffer (WsbridgeServer.WATER_MARK). */
    private static final long OUTBOUND = 256 * 1024;
    /** A burst (one stdout read's frames) is sent at 64 KiB; its buffer may be up to twice what it holds. */
    private static final long BURST = 128 * 1024;
    /**
     * What the server may hold for the stalled client: its queue and its outbound buffer full, one burst on
     * top, each burst's buffer up to twice what it holds; plus 1 MiB for what may still be on its way to the
     * readers. A queue that is not bounded holds nearly all the program prints (16 MB).
     */
    private static final long HELD_BOUND = 2 * (CLIENT_BUFFER + OUTBOUND + BURST) + (1 << 20);
    /**
     * With wait, the queue may overshoot: until the room hears that the client is full, it goes on delivering
     * what it read from the program's stdout: typically one wake-up's reads (16 x 64 KiB; PipeReader), more only
     * if the room's loop gets to a second wake-up before the client's loop has told it.
     */
    private static final long WAIT_HELD_BOUND = HELD_BOUND + 2 * (16 * 64 * 1024);
    /** The peak, readers' backlogs included: half of what the program prints. */
    private static final long PEAK_BOUND = (long) LINES * LINE_BYTES / 2;
    /** Per line a reader waits at most (the program needs {@code LINES * LINE_BYTES / RATE} = 2 s in all). */
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

        /** Waits (at most 5 s) until what is held above the baseline is within {@code bound}; returns it. */
        long settlesWithin(long bound, String what) throws InterruptedException {
            Waits.until(Duration.ofSeconds(5), () -> pinned() - baseline <= bound,
                    () -> what + ": server memory held above the baseline at most " + bound / 1024 + " kB (now "
                            + (pinned() - baseline) / 1024 + " kB, peak " + growth() / 1024 + " kB)");
            return pinned() - baseline;
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

    private record Run(double seconds, long peak, long held) {
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
                double seconds = room.goAndReadAll();
                control = new Run(seconds, memory.growth(), memory.settlesWithin(HELD_BOUND, "control room"));
            }
            try (Clients room = new Clients(server, "/stalled", true)) {
                Run stalled;
                try (MemoryPeak memory = new MemoryPeak()) {
                    double seconds = room.goAndReadAll();
                    // The stalled client has not read a byte: what the server still holds, it holds for it.
                    stalled = new Run(seconds, memory.growth(),
                            memory.settlesWithin(HELD_BOUND, "with a stalled client (--slowclient=" + policy + ")"));
                }
                System.out.printf("--slowclient=%s: control %.0f lines/s (%.2f s; memory peak +%d kB, then +%d kB), "
                                + "with a stalled client %.0f lines/s (%.2f s; peak +%d kB, then +%d kB); bounds %d kB "
                                + "held, %d kB peak%n", policy,
                        control.linesPerSecond(), control.seconds(), control.peak() / 1024, control.held() / 1024,
                        stalled.linesPerSecond(), stalled.seconds(), stalled.peak() / 1024, stalled.held() / 1024,
                        HELD_BOUND / 1024, PEAK_BOUND / 1024);
                assertThat(stalled.linesPerSecond()).as("the readers' rate with a stalled client in the room, "
                        + "against %.0f lines/s without", control.linesPerSecond())
                        .isGreaterThanOrEqualTo(0.5 * control.linesPerSecond());
                assertThat(stalled.peak()).as("server memory at its peak while a client of the room reads nothing")
                        .isLessThanOrEqualTo(PEAK_BOUND);
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
            long peak;
            long held;
            try (MemoryPeak memory = new MemoryPeak()) {
                room.readers.get(0).send("go");
                // The readers get what fits in the stalled client's buffers, then nothing for a second.
                for (int r = 0; r < READERS; r++) {
                    Client.Event e;
                    while ((e = room.readers.get(r).poll(1000)) != null) {
                        assertThat(seq(((Client.Text) e).text())).as("line at a reader").isEqualTo(got[r]++);
                    }
                }
                peak = memory.growth();
                held = memory.settlesWithin(WAIT_HELD_BOUND, "with a stalled client (--slowclient=wait)");
            }
            System.out.printf("--slowclient=wait: the readers stopped at lines %s of %d; memory peak +%d kB, then "
                    + "+%d kB; bounds %d kB held, %d kB peak%n", Arrays.toString(got), LINES, peak / 1024,
                    held / 1024, WAIT_HELD_BOUND / 1024, PEAK_BOUND / 1024);
            assertThat(peak).as("server memory at its peak while a client of the room reads nothing")
                    .isLessThanOrEqualTo(PEAK_BOUND);
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
