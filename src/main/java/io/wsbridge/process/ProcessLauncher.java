package io.wsbridge.process;

import io.netty.channel.EventLoop;

/** Starts children whose pipes are served by an event loop. */
public interface ProcessLauncher {
    /**
     * Starts a child; its pipes and exit are reported to {@code listener} on {@code loop}. Must be called on
     * {@code loop}.
     */
    ChildProcess launch(LaunchSpec spec, EventLoop loop, ChildListener listener) throws LaunchException;

    /** A short name for logs and benchmarks ("epoll" or "threads"). */
    String name();
}
