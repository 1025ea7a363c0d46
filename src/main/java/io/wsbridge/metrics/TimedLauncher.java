package io.wsbridge.metrics;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.wsbridge.process.ChildListener;
import io.wsbridge.process.ChildProcess;
import io.wsbridge.process.ExitStatus;
import io.wsbridge.process.LaunchException;
import io.wsbridge.process.LaunchSpec;
import io.wsbridge.process.ProcessLauncher;

/** Times each launch, from the request to the child running (or failing to start), for the spawn histogram. */
final class TimedLauncher implements ProcessLauncher {
    private final ProcessLauncher inner;
    private final WsbridgeMetrics metrics;

    TimedLauncher(ProcessLauncher inner, WsbridgeMetrics metrics) {
        this.inner = inner;
        this.metrics = metrics;
    }

    @Override
    public ChildProcess launch(LaunchSpec spec, EventLoop loop, ChildListener listener) {
        return inner.launch(spec, loop, new Timed(listener, System.nanoTime()));
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public void runInBackground(Runnable task) {
        inner.runInBackground(task);
    }

    @Override
    public void close() {
        inner.close();
    }

    private final class Timed implements ChildListener {
        private final ChildListener inner;
        private final long since;

        Timed(ChildListener inner, long since) {
            this.inner = inner;
            this.since = since;
        }

        private void observe() {
            metrics.spawnSeconds.observe((System.nanoTime() - since) / 1e9);
        }

        @Override
        public void started() {
            observe();
            inner.started();
        }

        @Override
        public void startFailed(LaunchException e) {
            observe();
            inner.startFailed(e);
        }

        @Override
        public void stdout(ByteBuf chunk) {
            inner.stdout(chunk);
        }

        @Override
        public void stdoutReadComplete() {
            inner.stdoutReadComplete();
        }

        @Override
        public void stdoutClosed() {
            inner.stdoutClosed();
        }

        @Override
        public void stderr(ByteBuf chunk) {
            inner.stderr(chunk);
        }

        @Override
        public void stderrClosed() {
            inner.stderrClosed();
        }

        @Override
        public void stdinDrained() {
            inner.stdinDrained();
        }

        @Override
        public void exited(ExitStatus status) {
            inner.exited(status);
        }
    }
}
