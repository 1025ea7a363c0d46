package io.wsbridge.process;

import io.netty.channel.EventLoop;

/** Starts children whose pipes are served by an event loop. */
public interface ProcessLauncher extends AutoCloseable {
    /**
     * Starts a child; its pipes and exit are reported to {@code listener} on {@code loop}. Must be called on
     * {@code loop}. Returns at once: the child may still be starting (the process is created off the event
     * loop), in which case what is asked of it is held until it runs; {@link ChildListener#started()} or
     * {@link ChildListener#startFailed} says how that went.
     */
    ChildProcess launch(LaunchSpec spec, EventLoop loop, ChildListener listener);

    /** A short name for logs and benchmarks ("epoll" or "threads"). */
    String name();

    /** Runs set-up work that needs the native binding (e.g. raising limits) where processes are made. */
    void runInBackground(Runnable task);

    /** Stops creating processes (server shutdown); children already running are not affected. */
    @Override
    void close();
}
