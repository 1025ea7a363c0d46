package io.wsbridge.process;

import io.netty.buffer.ByteBuf;
import java.util.ArrayDeque;

/**
 * The child a session holds while the real one is still being created off the event loop: what it is asked
 * to do meanwhile (input, closing stdin, pausing output, signals, releasing) is kept and replayed when the
 * process runs, so the session need not know the difference. Signals asked for early are delivered at once
 * when it starts (the strongest one). All on the event loop.
 */
final class StartingChild implements ChildProcess {
    private final ChildListener listener;
    private ChildProcess real;
    private boolean failed;
    private final ArrayDeque<ByteBuf> pendingStdin = new ArrayDeque<>();
    private long pendingBytes;
    private boolean drainWanted;
    private boolean stdinClosed;
    private boolean stdoutPaused;
    private boolean stderrPaused;
    private boolean exitWatched;
    private boolean released;
    private int signal;

    StartingChild(ChildListener listener) {
        this.listener = listener;
    }

    ChildListener listener() {
        return listener;
    }

    /** The process runs: replay what was asked of it, then tell the listener. */
    void attach(ChildProcess child) {
        real = child;
        ByteBuf b;
        while ((b = pendingStdin.poll()) != null) {
            child.queueStdin(b);
        }
        pendingBytes = 0;
        if (stdoutPaused) {
            child.pauseStdout();
        }
        if (stderrPaused) {
            child.pauseStderr();
        }
        boolean drained = child.flushStdin();
        if (stdinClosed) {
            child.closeStdin();
        }
        if (signal != 0) {
            child.signalGroup(signal);
        }
        if (exitWatched) {
            child.watchExit();
        }
        if (released) {
            child.release();
        }
        listener.started();
        if (drainWanted && drained) {
            listener.stdinDrained();
        }
    }

    void failed(LaunchException e) {
        failed = true;
        dropPendingStdin();
        listener.startFailed(e);
    }

    @Override
    public long pid() {
        return real != null ? real.pid() : -1;
    }

    @Override
    public void queueStdin(ByteBuf data) {
        if (real != null) {
            real.queueStdin(data);
        } else if (failed || stdinClosed) {
            data.release();
        } else {
            pendingStdin.add(data);
            pendingBytes += data.readableBytes();
        }
    }

    @Override
    public long queuedStdinBytes() {
        return real != null ? real.queuedStdinBytes() : pendingBytes;
    }

    @Override
    public boolean flushStdin() {
        if (real != null) {
            return real.flushStdin();
        }
        if (pendingStdin.isEmpty() || failed) {
            return true;
        }
        drainWanted = true; // the producer waits; stdinDrained() follows once it has been written
        return false;
    }

    @Override
    public void closeStdin() {
        if (real != null) {
            real.closeStdin();
        } else {
            stdinClosed = true;
        }
    }

    @Override
    public void pauseStdout() {
        if (real != null) {
            real.pauseStdout();
        } else {
            stdoutPaused = true;
        }
    }

    @Override
    public void resumeStdout() {
        if (real != null) {
            real.resumeStdout();
        } else {
            stdoutPaused = false;
        }
    }

    @Override
    public void pauseStderr() {
        if (real != null) {
            real.pauseStderr();
        } else {
            stderrPaused = true;
        }
    }

    @Override
    public void resumeStderr() {
        if (real != null) {
            real.resumeStderr();
        } else {
            stderrPaused = false;
        }
    }

    @Override
    public boolean signalGroup(int sig) {
        if (real != null) {
            return real.signalGroup(sig);
        }
        if (failed) {
            return false;
        }
        if (signal != Signals.SIGKILL && (sig == Signals.SIGKILL || sig == Signals.SIGTERM || signal == 0)) {
            signal = sig; // delivered when it starts; the strongest asked for wins
        }
        return true;
    }

    @Override
    public boolean groupAlive() {
        return real != null ? real.groupAlive() : !failed;
    }

    @Override
    public void watchExit() {
        if (real != null) {
            real.watchExit();
        } else {
            exitWatched = true;
        }
    }

    @Override
    public void drainStderr() {
        if (real != null) {
            real.drainStderr();
        }
    }

    @Override
    public void release() {
        if (real != null) {
            real.release();
        } else {
            released = true;
            dropPendingStdin();
        }
    }

    private void dropPendingStdin() {
        ByteBuf b;
        while ((b = pendingStdin.poll()) != null) {
            b.release();
        }
        pendingBytes = 0;
    }
}
