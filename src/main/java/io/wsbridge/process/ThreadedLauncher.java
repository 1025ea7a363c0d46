package io.wsbridge.process;

import io.netty.channel.EventLoop;

/** Launches children with java.lang.Process and blocking pipe threads (the portable fallback). */
final class ThreadedLauncher implements ProcessLauncher {
    @Override
    public ChildProcess launch(LaunchSpec spec, EventLoop loop, ChildListener listener) throws LaunchException {
        return ThreadedChildProcess.start(spec, loop, listener);
    }

    @Override
    public String name() {
        return "threads";
    }
}
