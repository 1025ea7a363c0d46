package io.wsbridge.process;

import io.netty.channel.EventLoop;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

/**
 * Creates children on a few spawner threads and hands them to their event loop when they run. The loop
 * never waits for a process to be created, so a burst of connections (or a busy machine, on which a vfork
 * parent waits for its child to be scheduled) does not stall the other connections on that loop.
 */
public final class OffLoopLauncher implements ProcessLauncher {
    private final CompletableFuture<ProcessStarter> starter;
    private final ExecutorService spawners;

    /**
     * @param choice decides how processes are made; it runs once, right away, as the spawners' first task (it
     *               may load a native library, which the server need not wait for before it listens)
     */
    public OffLoopLauncher(Supplier<ProcessStarter> choice, ExecutorService spawners) {
        this.spawners = spawners;
        this.starter = CompletableFuture.supplyAsync(choice, spawners);
    }

    @Override
    public ChildProcess launch(LaunchSpec spec, EventLoop loop, ChildListener listener) {
        StartingChild child = new StartingChild(listener);
        try {
            spawners.execute(() -> spawn(spec, loop, child));
        } catch (RejectedExecutionException e) {
            child.failed(new LaunchException("server is shutting down"));
        }
        return child;
    }

    private void spawn(LaunchSpec spec, EventLoop loop, StartingChild child) {
        ProcessStarter.Spawned spawned;
        try {
            spawned = starter.join().spawn(spec);
        } catch (LaunchException | RuntimeException e) {
            LaunchException failure = e instanceof LaunchException l ? l
                    : new LaunchException(String.valueOf(e.getMessage()), e);
            runOn(loop, () -> child.failed(failure));
            return;
        }
        boolean handedOver = runOn(loop, () -> {
            try {
                child.attach(spawned.attach(loop, child.listener()));
            } catch (LaunchException e) {
                child.failed(e);
            }
        });
        if (!handedOver) {
            spawned.abandon();
        }
    }

    private static boolean runOn(EventLoop loop, Runnable task) {
        try {
            loop.execute(task);
            return true;
        } catch (RejectedExecutionException e) {
            return false; // the loop shut down meanwhile
        }
    }

    @Override
    public String name() {
        ProcessStarter s = starter.getNow(null);
        return s == null ? "undecided" : s.name();
    }

    @Override
    public void runInBackground(Runnable task) {
        try {
            spawners.execute(task);
        } catch (RejectedExecutionException ignored) {
            // shutting down
        }
    }

    @Override
    public void close() {
        spawners.shutdown();
    }
}
