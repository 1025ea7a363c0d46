package io.wsbridge.abuse;

import static org.assertj.core.api.Assertions.assertThat;

import io.wsbridge.testing.ExternalServer;
import io.wsbridge.testing.RawWebSocket;
import io.wsbridge.testing.Waits;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The soak ({@code mvn -B -Psoak test}, at most 10 minutes): one wsbridge process serves 100,000
 * connect/echo/close cycles (half closed with a close frame, a quarter dropped, a quarter reset) while 1 GiB
 * flows to slow readers and further floods are cut off by abrupt disconnects. Its descriptors, threads, child
 * processes and RSS are sampled every second; at the end descriptors, threads and children are back at their
 * baseline and RSS has stopped growing. The figures are printed (README "Reliability and security").
 */
@Tag("soak")
@Timeout(660)
class SoakTest {
    private static final int CYCLES = Integer.getInteger("soak.cycles", 100_000);
    private static final int CLIENT_THREADS = Integer.getInteger("soak.clients", 8);
    private static final long FLOOD_BYTES = 64L * 1024 * 1024;
    private static final int SLOW_READERS = 16; // 16 x 64 MiB = 1 GiB read in full
    private static final int ABRUPT_FLOODS = 8;
    /** Cycles and floods together must finish within this. */
    private static final Duration BUDGET = Duration.ofMinutes(9);

    private record Sample(long second, int fds, int threads, long rssKb, long children) {
    }

    private static Sample sample(long pid, long second) {
        String[] fds = new File("/proc/" + pid + "/fd").list();
        int threads = 0;
        long rss = 0;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("Threads:")) {
                    threads = Integer.parseInt(line.substring(8).trim());
                } else if (line.startsWith("VmRSS:")) {
                    rss = Long.parseLong(line.substring(6).replace("kB", "").trim());
                }
            }
        } catch (IOException | RuntimeException gone) {
            // the process ended
        }
        long children = ProcessHandle.of(pid).map(p -> p.children().count()).orElse(0L);
        return new Sample(second, fds == null ? -1 : fds.length, threads, rss, children);
    }

    @Test
    void hundredThousandCyclesAndAGigabyteThroughSlowReadersLeaveTheServerFlat(@TempDir Path dir) throws Exception {
        Path echo = dir.resolve("echo");
        Files.copy(Path.of("/bin/cat"), echo, StandardCopyOption.COPY_ATTRIBUTES);
        Path flood = dir.resolve("flood");
        Files.writeString(flood, "#!/bin/sh\nexec head -c " + FLOOD_BYTES + " /dev/zero\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(flood, PosixFilePermissions.fromString("rwxr-xr-x"));

        try (ExternalServer server = ExternalServer.start(List.of("-Xms96m", "-Xmx96m", "-XX:+AlwaysPreTouch"),
                "--binary", "--loglevel=info", "--maxforks=256", "--dir=" + dir)) {
            long pid = server.pid();
            for (int i = 0; i < 50; i++) {
                cycle(server.port(), i); // warm-up: classes, pools and event loops come up
            }
            Waits.until(Duration.ofSeconds(10), () -> sample(pid, 0).children() == 0, "warm-up children reaped");
            Sample base = sample(pid, 0);

            List<Sample> samples = new CopyOnWriteArrayList<>();
            AtomicBoolean running = new AtomicBoolean(true);
            long t0 = System.nanoTime();
            Thread sampler = new Thread(() -> {
                long second = 0;
                while (running.get()) {
                    samples.add(sample(pid, second++));
                    try {
                        Thread.sleep(1000);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "soak-sampler");
            sampler.setDaemon(true);
            sampler.start();

            AtomicLong cyclesDone = new AtomicLong();
            AtomicLong cyclesEnd = new AtomicLong();
            AtomicLong flooded = new AtomicLong();
            long deadline = t0 + BUDGET.toNanos();
            ExecutorService pool = Executors.newFixedThreadPool(CLIENT_THREADS + SLOW_READERS + ABRUPT_FLOODS);
            List<Future<?>> work = new ArrayList<>();
            try {
                for (int r = 0; r < SLOW_READERS; r++) {
                    long startAt = t0 + TimeUnit.SECONDS.toNanos(8L * r); // staggered over two minutes
                    work.add(pool.submit(() -> {
                        Thread.sleep(Math.max(0, (startAt - System.nanoTime()) / 1_000_000));
                        flooded.addAndGet(slowRead(server.port(), FLOOD_BYTES, deadline));
                        return null;
                    }));
                }
                for (int r = 0; r < ABRUPT_FLOODS; r++) {
                    int n = r;
                    work.add(pool.submit(() -> {
                        abruptFlood(server.port(), n);
                        return null;
                    }));
                }
                AtomicLong next = new AtomicLong();
                for (int t = 0; t < CLIENT_THREADS; t++) {
                    work.add(pool.submit(() -> {
                        long i;
                        while ((i = next.getAndIncrement()) < CYCLES) {
                            if (System.nanoTime() > deadline) {
                                throw new AssertionError("soak budget of " + BUDGET + " exceeded after "
                                        + cyclesDone.get() + " cycles");
                            }
                            try {
                                cycle(server.port(), i);
                            } catch (IOException | RuntimeException | Error e) {
                                // What the server said of it (its log is at info: errors only, no access lines).
                                throw new AssertionError(String.format("cycle %d failed %.3f s into the soak; server "
                                        + "errors: %s", i, (System.nanoTime() - t0) / 1e9,
                                        server.output().stream()
                                        .filter(l -> l.contains("ERROR") || l.contains("FATAL")
                                                || l.contains("Exception")).toList()), e);
                            }
                            cyclesDone.incrementAndGet();
                        }
                        cyclesEnd.accumulateAndGet(System.nanoTime(), Math::max);
                        return null;
                    }));
                }
                for (Future<?> f : work) {
                    f.get(Math.max(1, deadline - System.nanoTime()) + TimeUnit.SECONDS.toNanos(30),
                            TimeUnit.NANOSECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            double loadSeconds = (System.nanoTime() - t0) / 1e9;
            // Let the last children be reaped and connections close, then sample a few more seconds.
            Waits.until(Duration.ofSeconds(20), () -> sample(pid, 0).children() == 0, "children reaped");
            Waits.until(Duration.ofSeconds(20), () -> sample(pid, 0).fds() <= base.fds() + 2,
                    () -> "descriptors back to " + base.fds() + " (now " + sample(pid, 0).fds() + ")");
            Thread.sleep(3000);
            running.set(false);
            sampler.join(5000);
            Sample end = sample(pid, samples.size());
            samples.add(end);

            int peakFds = samples.stream().mapToInt(Sample::fds).max().orElse(0);
            int peakThreads = samples.stream().mapToInt(Sample::threads).max().orElse(0);
            long peakRss = samples.stream().mapToLong(Sample::rssKb).max().orElse(0);
            long peakChildren = samples.stream().mapToLong(Sample::children).max().orElse(0);
            int half = samples.size() / 2;
            long rssFirstHalf = samples.subList(0, half).stream().mapToLong(Sample::rssKb).max().orElse(0);
            long rssSecondHalf = samples.subList(half, samples.size()).stream().mapToLong(Sample::rssKb).max()
                    .orElse(0);
            double cycleSeconds = (cyclesEnd.get() - t0) / 1e9;
            System.out.printf("soak: %d connect/echo/close cycles in %.0f s (%.0f/s) and %d MiB to %d slow readers "
                            + "(+%d floods cut off), %.0f s in all%n", cyclesDone.get(), cycleSeconds,
                    cyclesDone.get() / cycleSeconds, flooded.get() >> 20, SLOW_READERS, ABRUPT_FLOODS, loadSeconds);
            System.out.printf("soak: fds %d -> peak %d -> end %d; threads %d -> peak %d -> end %d; children peak %d"
                            + " -> end %d; RSS %d MiB -> peak %d MiB (first half %d, second half %d) -> end %d MiB; "
                            + "%d samples%n", base.fds(), peakFds, end.fds(), base.threads(), peakThreads,
                    end.threads(), peakChildren, end.children(), base.rssKb() >> 10, peakRss >> 10,
                    rssFirstHalf >> 10, rssSecondHalf >> 10, end.rssKb() >> 10, samples.size());
            StringBuilder series = new StringBuilder("soak samples (s fds threads rssMiB children):");
            for (Sample s : samples) {
                series.append(String.format(" %d:%d/%d/%d/%d", s.second(), s.fds(), s.threads(), s.rssKb() >> 10,
                        s.children()));
            }
            System.out.println(series);

            assertThat(cyclesDone.get()).isEqualTo(CYCLES);
            assertThat(flooded.get()).isEqualTo(SLOW_READERS * FLOOD_BYTES);
            assertThat(end.fds()).as("descriptors back to the baseline").isLessThanOrEqualTo(base.fds() + 2);
            assertThat(end.threads()).as("threads back to the baseline").isLessThanOrEqualTo(base.threads() + 2);
            assertThat(end.children()).isZero();
            assertThat(rssSecondHalf).as("RSS flat: the second half grows at most 10%% over the first")
                    .isLessThanOrEqualTo(rssFirstHalf + rssFirstHalf / 10);
        }
    }

    /** Connect, echo a message, then end one of three ways: close handshake, drop, or reset. */
    private static void cycle(int port, long i) throws IOException {
        byte[] message = ("cycle " + i).getBytes(StandardCharsets.UTF_8);
        long c0 = System.nanoTime();
        RawWebSocket ws = RawWebSocket.connect(port, "/echo");
        long c1 = System.nanoTime();
        try {
            ws.sendBinary(message);
            int got = 0;
            while (got < message.length) {
                RawWebSocket.Frame f;
                try {
                    f = ws.readFrame(Duration.ofSeconds(20));
                } catch (IOException e) {
                    throw new IOException("cycle " + i + " local port " + ws.socket().getLocalPort() + ": connect took "
                            + (c1 - c0) / 1_000_000 + " ms, failed " + (System.nanoTime() - c1) / 1_000_000
                            + " ms after the 101 with " + got + " bytes", e);
                }
                if (f == null || f.opcode() == RawWebSocket.CLOSE) {
                    throw new AssertionError("cycle " + i + ": no echo (" + f + ")");
                }
                got += f.payload().length;
            }
            switch ((int) (i % 4)) {
                case 0, 1 -> {
                    ws.sendClose(1000, "");
                    if (!ws.awaitEof(Duration.ofSeconds(20))) {
                        throw new AssertionError("cycle " + i + ": no close after the closing handshake");
                    }
                }
                case 2 -> ws.socket().setSoLinger(true, 0); // reset
                default -> { } // plain FIN
            }
        } finally {
            ws.close();
        }
    }

    /** Reads a whole flood at about 2 MiB/s, checking every byte. */
    private static long slowRead(int port, long expected, long deadline) throws IOException, InterruptedException {
        long got = 0;
        try (RawWebSocket ws = RawWebSocket.connect(port, "/flood", Map.of(), 64 * 1024)) {
            long start = System.nanoTime();
            while (true) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("slow reader out of time at " + got + " bytes");
                }
                RawWebSocket.Frame f = ws.readFrame(Duration.ofSeconds(30));
                if (f == null || f.opcode() == RawWebSocket.CLOSE) {
                    break;
                }
                for (byte b : f.payload()) {
                    if (b != 0) {
                        throw new AssertionError("flood corrupted at byte " + got);
                    }
                }
                got += f.payload().length;
                long due = start + (long) (got / (2.0 * 1024 * 1024) * 1e9);
                long ahead = due - System.nanoTime();
                if (ahead > 1_000_000) {
                    Thread.sleep(ahead / 1_000_000);
                }
            }
        }
        assertThat(got).as("flood bytes").isEqualTo(expected);
        return got;
    }

    /** Starts a flood, reads a few MiB, then disappears: with a reset, or without reading further. */
    private static void abruptFlood(int port, int n) throws IOException {
        RawWebSocket ws = RawWebSocket.connect(port, "/flood", Map.of(), 64 * 1024);
        long got = 0;
        while (got < (2L + n) * 1024 * 1024) {
            RawWebSocket.Frame f = ws.readFrame(Duration.ofSeconds(30));
            if (f == null) {
                break;
            }
            got += f.payload().length;
        }
        if (n % 2 == 0) {
            ws.socket().setSoLinger(true, 0);
        }
        ws.close();
    }
}
