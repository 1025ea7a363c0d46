package io.wsbridge.process;

import io.netty.channel.EventLoop;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;

/**
 * Creates children on a few spawner threads and hands them to their event loop when they run. The loop
 * never waits for a process to be created, so a burst of connections (or a busy machine, on which a vfork
 * parent waits for its child to be scheduled) does not stall the other connections on that loop.
 */
final class OffLoopLauncher<S> implements ProcessLauncher {
    private final ProcessStarter<S> starter;
    private final ExecutorService spawners;

    OffLoopLauncher(ProcessStarter<S> starter, ExecutorService spawners) {
        this.starter = starter;
        this.spawners = spawners;
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
        S spawned;
        try {
            spawned = starter.spawn(spec);
        } catch (LaunchException | RuntimeException e) {
            LaunchException failure = e instanceof LaunchException l ? l
                    : new LaunchException(String.valueOf(e.getMessage()), e);
            runOn(loop, () -> child.failed(failure));
            return;
        }
        boolean handedOver = runOn(loop, () -> {
            try {
                child.attach(starter.attach(spawned, loop, child.listener()));
            } catch (LaunchException e) {
                child.failed(e);
            }
        });
        if (!handedOver) {
            starter.abandon(spawned);
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
        return starter.name();
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
