package io.wsbridge.session;

import io.netty.buffer.ByteBuf;
import io.wsbridge.process.ChildListener;
import io.wsbridge.process.ChildProcess;
import io.wsbridge.process.Signals;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A child that does nothing by itself: a test reports its output and exit through {@link #listener}. */
final class FakeChild implements ChildProcess {
    final ChildListener listener;
    final StringBuilder stdin = new StringBuilder();
    final List<String> signals = new ArrayList<>();
    boolean stdinClosed;
    boolean stdoutPaused;
    boolean groupAlive = true;
    /** The group goes away on SIGKILL, and on SIGINT/SIGTERM unless told otherwise. */
    boolean ignoresPoliteSignals;
    int releases;

    FakeChild(ChildListener listener) {
        this.listener = listener;
    }

    @Override
    public long pid() {
        return 4242;
    }

    @Override
    public void queueStdin(ByteBuf data) {
        stdin.append(data.toString(StandardCharsets.UTF_8));
        data.release();
    }

    @Override
    public long queuedStdinBytes() {
        return 0;
    }

    @Override
    public boolean flushStdin() {
        return true;
    }

    @Override
    public void closeStdin() {
        stdinClosed = true;
    }

    @Override
    public void pauseStdout() {
        stdoutPaused = true;
    }

    @Override
    public void resumeStdout() {
        stdoutPaused = false;
    }

    @Override
    public void pauseStderr() {
    }

    @Override
    public void resumeStderr() {
    }

    @Override
    public boolean signalGroup(int signal) {
        if (!groupAlive) {
            return false;
        }
        signals.add(Signals.name(signal));
        return true;
    }

    @Override
    public boolean groupAlive() {
        return groupAlive;
    }

    @Override
    public void watchExit() {
    }

    @Override
    public void drainStderr() {
    }

    @Override
    public void release() {
        releases++;
    }
}
