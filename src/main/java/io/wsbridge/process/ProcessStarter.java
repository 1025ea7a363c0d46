package io.wsbridge.process;

import io.netty.channel.EventLoop;

/**
 * The two halves of starting a child, so that the blocking one stays off the event loops: creating the
 * process (posix_spawn waits, vfork-style, until the child has exec'd, which can take milliseconds when the
 * machine is busy) and wiring it to the loop that will serve it.
 *
 * @param <S> what {@link #spawn} produces (a pid and pipes, a java.lang.Process, ...)
 */
interface ProcessStarter<S> {
    /** Creates the process; runs on a spawner thread. */
    S spawn(LaunchSpec spec) throws LaunchException;

    /** Connects a spawned process to its event loop; runs on that loop. */
    ChildProcess attach(S spawned, EventLoop loop, ChildListener listener) throws LaunchException;

    /** The process will never be attached (its loop is gone): end it and clean up; any thread. */
    void abandon(S spawned);

    /** A short name for logs and benchmarks. */
    String name();
}
