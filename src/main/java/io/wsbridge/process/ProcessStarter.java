package io.wsbridge.process;

import io.netty.channel.EventLoop;

/**
 * How children are made (posix_spawn with pipes on epoll, or java.lang.Process with pipe threads), in the two
 * halves that keep the blocking one off the event loops: creating the process (posix_spawn waits, vfork-style,
 * until the child has exec'd, which can take milliseconds when the machine is busy) and wiring it to the loop
 * that will serve it.
 */
public interface ProcessStarter {
    /** Creates the process; runs on a spawner thread. */
    Spawned spawn(LaunchSpec spec) throws LaunchException;

    /** A short name for logs and benchmarks ("epoll" or "threads"). */
    String name();

    /** A created process, not yet served by any event loop. Exactly one of its methods is called. */
    interface Spawned {
        /** Connects it to its event loop; runs on that loop. */
        ChildProcess attach(EventLoop loop, ChildListener listener) throws LaunchException;

        /** It will never be attached (its loop is gone): end it and clean up; any thread. */
        void abandon();
    }
}
