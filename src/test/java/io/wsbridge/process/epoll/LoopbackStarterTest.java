package io.wsbridge.process.epoll;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.wsbridge.process.ChildListener;
import io.wsbridge.process.ChildProcess;
import io.wsbridge.process.ExitStatus;
import io.wsbridge.process.LaunchException;
import io.wsbridge.process.LaunchSpec;
import io.wsbridge.process.Signals;
import io.wsbridge.testing.Descriptors;
import io.wsbridge.testing.Waits;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The start-up rehearsal's stand-in for a program: what goes to its stdin comes back on its stdout, its exit is the
 * end of that output (or a signal), in the order a real child reports them, and nothing is left open or started.
 */
@Timeout(30)
class LoopbackStarterTest {
    private static final LaunchSpec IGNORED = new LaunchSpec(Path.of("/"), List.of("warm-up"), List.of());

    private MultiThreadIoEventLoopGroup group;
    private EventLoop loop;
    private Map<Integer, String> before;

    @BeforeEach
    void start() {
        assumeThat(LoopbackStarter.create(PooledByteBufAllocator.DEFAULT)).as("native binding").isNotNull();
        group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        loop = group.next();
        before = Descriptors.described(ProcessHandle.current().pid());
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
        }
    }

    /** Everything the "program" reports, in order, as text. */
    private static final class Recorder implements ChildListener {
        final List<String> events = new CopyOnWriteArrayList<>();

        @Override
        public void startFailed(LaunchException e) {
            events.add("startFailed " + e.getMessage());
        }

        @Override
        public void stdout(ByteBuf chunk) {
            events.add("stdout " + chunk.toString(StandardCharsets.UTF_8));
            chunk.release();
        }

        @Override
        public void stdoutReadComplete() {
        }

        @Override
        public void stdoutClosed() {
            events.add("stdoutClosed");
        }

        @Override
        public void stderr(ByteBuf chunk) {
            events.add("stderr");
            chunk.release();
        }

        @Override
        public void stderrClosed() {
            events.add("stderrClosed");
        }

        @Override
        public void stdinDrained() {
        }

        @Override
        public void exited(ExitStatus status) {
            events.add("exited " + status.describe());
        }
    }

    private ChildProcess attach(Recorder recorder) throws Exception {
        LoopbackStarter starter = LoopbackStarter.create(PooledByteBufAllocator.DEFAULT);
        var spawned = starter.spawn(IGNORED);
        return loop.submit(() -> spawned.attach(loop, recorder)).get(10, TimeUnit.SECONDS);
    }

    private void onLoop(Runnable r) throws Exception {
        loop.submit(r).get(10, TimeUnit.SECONDS);
    }

    /** Every descriptor the test opened is closed again (the loop closes pipes a moment after release). */
    private void awaitDescriptorsBack() throws InterruptedException {
        Waits.until(Duration.ofSeconds(10), () -> Descriptors.described(ProcessHandle.current().pid()).equals(before),
                () -> "descriptors back: " + before + " -> " + Descriptors.described(ProcessHandle.current().pid()));
    }

    @Test
    void givesBackWhatItIsGivenAndExitsWithZeroWhenItsInputEnds() throws Exception {
        long children = ProcessHandle.current().children().count();
        Recorder recorder = new Recorder();
        ChildProcess child = attach(recorder);
        assertThat(child.pid()).as("no process").isZero();
        assertThat(ProcessHandle.current().children().count()).as("nothing started").isLessThanOrEqualTo(children);

        onLoop(() -> {
            child.queueStdin(Unpooled.copiedBuffer("hello\n", StandardCharsets.UTF_8));
            child.flushStdin();
        });
        Waits.until(Duration.ofSeconds(10), () -> recorder.events.contains("stdout hello\n"),
                () -> "echo: " + recorder.events);
        onLoop(() -> assertThat(child.groupAlive()).isTrue());

        onLoop(child::closeStdin);
        Waits.until(Duration.ofSeconds(10), () -> recorder.events.contains("stdoutClosed"),
                () -> "end of output: " + recorder.events);
        assertThat(recorder.events).containsSubsequence("stdout hello\n", "exited exit status 0", "stdoutClosed")
                .contains("stderrClosed").doesNotContain("stderr");
        onLoop(() -> {
            assertThat(child.groupAlive()).isFalse();
            assertThat(child.signalGroup(Signals.SIGTERM)).as("nothing left to signal").isFalse();
            child.release();
        });
        assertThat(recorder.events).filteredOn(e -> e.startsWith("exited")).hasSize(1);
        awaitDescriptorsBack();
    }

    @Test
    void aSignalEndsItAfterTheCallAsItWouldAProcessAndItsEndOfOutputAddsNoSecondExit() throws Exception {
        Recorder recorder = new Recorder();
        ChildProcess child = attach(recorder);
        onLoop(() -> {
            assertThat(child.signalGroup(Signals.SIGINT)).as("there was something to signal").isTrue();
            assertThat(recorder.events).as("not within the signalling call").noneMatch(e -> e.startsWith("exited"));
        });
        Waits.until(Duration.ofSeconds(10), () -> recorder.events.contains("exited killed by signal 2 (SIGINT)"),
                () -> "exit by signal: " + recorder.events);
        onLoop(() -> {
            assertThat(child.groupAlive()).isFalse();
            child.closeStdin();
        });
        Waits.until(Duration.ofSeconds(10), () -> recorder.events.contains("stdoutClosed"),
                () -> "end of output: " + recorder.events);
        onLoop(child::release);
        assertThat(recorder.events).filteredOn(e -> e.startsWith("exited")).hasSize(1);
        awaitDescriptorsBack();
    }

    @Test
    void posixRefusesToSignalTheServersOwnGroupOrEveryProcess() {
        for (int pid : new int[] {0, -1}) {
            assertThatThrownBy(() -> Posix.signal(pid, 0))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
