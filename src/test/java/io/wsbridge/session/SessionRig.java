package io.wsbridge.session;

import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.EventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import io.wsbridge.logging.LogScope;
import io.wsbridge.process.ChildProcess;
import io.wsbridge.process.ExitStatus;
import io.wsbridge.process.ForkLimiter;
import io.wsbridge.process.LaunchException;
import io.wsbridge.process.LaunchSpec;
import io.wsbridge.process.OffLoopLauncher;
import io.wsbridge.process.ProcessStarter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One session with a real joiner ({@link Session}), program endpoint ({@link ChildProgram}), child lifecycle
 * and launcher, around a fake child and a fake client, on an event loop whose clock the test moves: every
 * order of endings can be played step by step.
 */
final class SessionRig {
    final EmbeddedChannel channel = new EmbeddedChannel();
    final EventLoop loop = channel.eventLoop();
    final ForkLimiter forks = new ForkLimiter(0);
    final FakeClient client = new FakeClient(loop);
    final ManualExecutor spawners = new ManualExecutor();
    /** When set, creating the process fails with this. */
    LaunchException spawnFailure;
    FakeChild child;
    ClientEvents session;

    SessionRig() {
        this(false);
    }

    SessionRig(boolean passStderr) {
        channel.freezeTime();
        ProcessStarter starter = new ProcessStarter() {
            @Override
            public Spawned spawn(LaunchSpec spec) throws LaunchException {
                if (spawnFailure != null) {
                    throw spawnFailure;
                }
                return new Spawned() {
                    @Override
                    public ChildProcess attach(EventLoop l, io.wsbridge.process.ChildListener listener) {
                        child = new FakeChild(listener);
                        return child;
                    }

                    @Override
                    public void abandon() {
                    }
                };
            }

            @Override
            public String name() {
                return "fake";
            }
        };
        OffLoopLauncher launcher = new OffLoopLauncher(() -> starter, spawners);
        forks.tryAcquire(); // as the strategy does before the 101
        LaunchSpec spec = new LaunchSpec(Path.of("/bin/true"), List.of("true"), List.of());
        LogScope log = LogScope.of("session");
        ChildProgram.Settings settings = new ChildProgram.Settings(false, passStderr, 0, io.wsbridge.framing.Framing.LINES, io.wsbridge.framing.Framing.MAX_LENGTH_PREFIXED);
        session = Session.start(client, log, events -> ChildProgram.launch(spec, "true", settings, launcher, forks,
                loop, UnpooledByteBufAllocator.DEFAULT, log, events));
    }

    /** The spawner threads get to run: the process is created and handed to the loop. */
    SessionRig spawn() {
        spawners.runAll();
        channel.runPendingTasks();
        return this;
    }

    /** Time passes on the loop (the signal ladder's steps). */
    SessionRig advance(long ms) {
        channel.advanceTimeBy(ms, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        channel.runPendingTasks();
        return this;
    }

    SessionRig clientSends(String text) {
        session.clientMessage(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8), false, true);
        session.clientReadComplete();
        return this;
    }

    SessionRig prints(String text) {
        child.listener.stdout(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
        child.listener.stdoutReadComplete();
        return this;
    }

    SessionRig closesOutput() {
        child.listener.stdoutClosed();
        child.listener.stderrClosed();
        return this;
    }

    SessionRig exits(ExitStatus status) {
        child.groupAlive = false;
        child.listener.exited(status);
        return this;
    }

    SessionRig clientCloses(int code) {
        session.clientClosed(code, "bye");
        return this;
    }

    /** Runs the spawner tasks when the test says so, on the test's thread. */
    static final class ManualExecutor extends AbstractExecutorService {
        private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
        private boolean shutdown;

        void runAll() {
            Runnable r;
            while ((r = tasks.poll()) != null) {
                r.run();
            }
        }

        @Override
        public void execute(Runnable command) {
            tasks.add(command);
        }

        @Override
        public void shutdown() {
            shutdown = true;
        }

        @Override
        public List<Runnable> shutdownNow() {
            shutdown = true;
            return List.copyOf(tasks);
        }

        @Override
        public boolean isShutdown() {
            return shutdown;
        }

        @Override
        public boolean isTerminated() {
            return shutdown && tasks.isEmpty();
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) {
            return isTerminated();
        }
    }
}
