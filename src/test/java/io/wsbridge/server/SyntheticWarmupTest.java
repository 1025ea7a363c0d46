package io.wsbridge.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.PoolArenaMetric;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.wsbridge.framing.Framing;
import io.wsbridge.http.CgiEnvironment;
import io.wsbridge.session.ProcessPerConnection;
import io.wsbridge.session.SessionStrategy;
import io.wsbridge.testing.Descriptors;
import io.wsbridge.testing.Waits;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The synthetic warm-up serves its synthetic clients through the real pipeline (every message echoed, every
 * connection ended by the closing handshake), gives every buffer back, and only runs while the server is idle.
 */
class SyntheticWarmupTest {
    /** No thread caches: a buffer the warm-up kept would show as an active allocation of an arena. */
    private static PooledByteBufAllocator allocator() {
        return new PooledByteBufAllocator(true, 2, 2, 8192, 9, 0, 0, false);
    }

    @ParameterizedTest(name = "binary={0} framing={1}")
    @CsvSource({"false, LINES", "true, LINES", "false, NUL", "false, LENGTH_PREFIXED"})
    void everySyntheticClientIsEchoedAndClosedAndNothingIsKept(boolean binary, Framing framing) {
        PooledByteBufAllocator alloc = allocator();
        SyntheticWarmup warmup = new SyntheticWarmup(alloc, binary, framing, 1 << 20, () -> false, () -> false);
        warmup.run(); // on this thread: bounded in connections and in time

        int done = warmup.connectionsDone();
        assertThat(done).isBetween(1, SyntheticWarmup.CONNECTIONS);
        // In --binary one read of the "program's output" is one message: the pipelined batch comes back as one.
        int perConnection = SyntheticWarmup.ROUND_TRIPS + SyntheticWarmup.BATCHES * (binary ? 1 : SyntheticWarmup.BATCH);
        assertThat(warmup.messagesEchoed()).isEqualTo(done * perConnection);
        assertThat(warmup.closedCleanly()).isEqualTo(done);
        for (PoolArenaMetric arena : alloc.metric().directArenas()) {
            assertThat(arena.numActiveAllocations()).as("buffers not given back").isZero();
        }
        for (PoolArenaMetric arena : alloc.metric().heapArenas()) {
            assertThat(arena.numActiveAllocations()).as("buffers not given back").isZero();
        }
    }

    @ParameterizedTest(name = "binary={0} framing={1}")
    @CsvSource({"false, LINES", "true, LINES", "false, LENGTH_PREFIXED"})
    void socketClientsRunOnTheServersEpollLoopsThroughLoopbackProgramsAndLeaveNothingBehind(boolean binary,
            Framing framing) throws Exception {
        PooledByteBufAllocator alloc = allocator();
        MultiThreadIoEventLoopGroup loops = new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory());
        try {
            long pid = ProcessHandle.current().pid();
            Set<String> before = new HashSet<>(Descriptors.described(pid).values());
            long childrenBefore = ProcessHandle.current().children().count();
            SessionStrategy programs = SocketRehearsal.loopbackSessions(
                    new ProcessPerConnection.Settings(binary, false, 0, framing, 1 << 20),
                    new CgiEnvironment("wsbridge-test", List.of(), Map.of(), false), alloc);
            SyntheticWarmup warmup = new SyntheticWarmup(alloc, binary, framing, 1 << 20, () -> false,
                    () -> false, loops, programs).workLimit(TimeUnit.SECONDS.toNanos(30));
            warmup.run();

            assertThat(warmup.socketConnectionsDone())
                    .isEqualTo(SyntheticWarmup.SOCKET_CONNECTIONS + SyntheticWarmup.SOCKET_SHORT_CONNECTIONS);
            // Every message's payload came back through the loopback "program" (with frame headers, the 101 and
            // the close frame on top): sent but not echoed would leave it short.
            int messages = SyntheticWarmup.SOCKET_CONNECTIONS
                    * (SyntheticWarmup.SOCKET_ROUND_TRIPS + SyntheticWarmup.SOCKET_BATCHES * SyntheticWarmup.BATCH)
                    + SyntheticWarmup.SOCKET_SHORT_CONNECTIONS;
            assertThat(warmup.socketBytesAnswered()).as("bytes back over the socket pairs")
                    .isGreaterThanOrEqualTo((long) messages * SyntheticWarmup.MESSAGE.length);
            assertThat(warmup.closedCleanly()).isEqualTo(warmup.connectionsDone());
            assertThat(ProcessHandle.current().children().count()).as("no process started")
                    .isLessThanOrEqualTo(childrenBefore);
            // The last session's pipes are closed on its loop just after its client's socket (the program ends once
            // its client has gone): a moment later, not necessarily before run() returns.
            Waits.until(Duration.ofSeconds(10), () -> leftOpen(pid, before).isEmpty(),
                    () -> "socket pairs or pipes left open: " + leftOpen(pid, before));
            Waits.until(Duration.ofSeconds(10), () -> activeAllocations(alloc) == 0,
                    () -> activeAllocations(alloc) + " buffers not given back");
        } finally {
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    private static Set<String> leftOpen(long pid, Set<String> before) {
        Set<String> left = new HashSet<>(Descriptors.described(pid).values());
        left.removeAll(before);
        left.removeIf(d -> !d.startsWith("socket:") && !d.startsWith("pipe:"));
        return left;
    }

    private static long activeAllocations(PooledByteBufAllocator alloc) {
        long active = 0;
        for (PoolArenaMetric arena : alloc.metric().directArenas()) {
            active += arena.numActiveAllocations();
        }
        for (PoolArenaMetric arena : alloc.metric().heapArenas()) {
            active += arena.numActiveAllocations();
        }
        return active;
    }

    @Test
    void waitsWhileRealConnectionsAreOpenAndStopsWithTheServer() throws Exception {
        AtomicInteger busyChecks = new AtomicInteger();
        AtomicBoolean stopping = new AtomicBoolean();
        SyntheticWarmup warmup = new SyntheticWarmup(allocator(), false, Framing.LINES, 0,
                () -> busyChecks.incrementAndGet() > 0, stopping::get);
        warmup.start();
        Waits.until(Duration.ofSeconds(10), () -> busyChecks.get() >= 3, "the warm-up waiting for idle time");
        stopping.set(true);
        warmup.join(10_000);
        assertThat(warmup.isAlive()).isFalse();
        assertThat(warmup.connectionsDone()).as("no synthetic connection while real ones are open").isZero();
    }

    @Test
    void resumesOnceTheServerIsIdle() throws Exception {
        AtomicInteger busyChecks = new AtomicInteger();
        AtomicBoolean busy = new AtomicBoolean(true);
        SyntheticWarmup warmup = new SyntheticWarmup(allocator(), false, Framing.LINES, 0, () -> {
            busyChecks.incrementAndGet();
            return busy.get();
        }, () -> false);
        warmup.start();
        Waits.until(Duration.ofSeconds(10), () -> busyChecks.get() >= 2, "the warm-up waiting for idle time");
        assertThat(warmup.connectionsDone()).isZero();
        busy.set(false);
        warmup.join(30_000);
        assertThat(warmup.isAlive()).isFalse();
        assertThat(warmup.connectionsDone()).isPositive();
        assertThat(warmup.closedCleanly()).isEqualTo(warmup.connectionsDone());
    }

    @ParameterizedTest(name = "WSBRIDGE_WARMUP={0} -> {1}")
    @CsvSource({"0, false", "off, false", "OFF, false", "false, false", "no, false", "1, true", "on, true",
        "'', true"})
    void theEnvironmentCanLeaveItOut(String value, boolean wanted) {
        assertThat(SyntheticWarmup.wanted(Map.of("WSBRIDGE_WARMUP", value))).isEqualTo(wanted);
    }

    @Test
    void withoutTheVariableItRuns() {
        assertThat(SyntheticWarmup.wanted(Map.of())).isTrue();
    }
}
