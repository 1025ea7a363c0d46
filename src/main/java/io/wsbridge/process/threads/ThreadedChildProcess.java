package io.wsbridge.process.threads;
import io.wsbridge.process.Signals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoop;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import io.wsbridge.process.ExitStatus;
import io.wsbridge.process.ChildListener;
import io.wsbridge.process.ChildProcess;

/**
 * The portable fallback for where posix_spawn or epoll are not available: java.lang.Process with one
 * blocking thread per pipe (three per child, plus the JDK's reaper). It keeps the same contract, callbacks
 * on the event loop, so sessions cannot tell the difference; it costs threads, and signals reach the child
 * and its descendants one by one (no process group; SIGINT is sent as SIGTERM).
 */
final class ThreadedChildProcess implements ChildProcess {
    private static final int CHUNK = 64 * 1024;
    private static final long IN_FLIGHT_LIMIT = 256 * 1024;
    private static final byte[] END = new byte[0];

    private final Process process;
    private final EventLoop loop;
    private final ChildListener listener;
    private final List<byte[]> pending = new ArrayList<>();
    private final LinkedBlockingQueue<byte[]> toStdin = new LinkedBlockingQueue<>();
    private final AtomicLong inFlight = new AtomicLong();
    private final Object pauseLock = new Object();
    private long pendingBytes;
    private boolean paused;
    private boolean stderrPaused;
    private volatile boolean drainWanted;
    private volatile boolean exited;
    private boolean stdinClosed;

    private ThreadedChildProcess(Process process, EventLoop loop, ChildListener listener) {
        this.process = process;
        this.loop = loop;
        this.listener = listener;
    }

    /** Serves a started process with pipe threads that report on {@code loop}. */
    static ChildProcess attach(Process process, EventLoop loop, ChildListener listener) {
        ThreadedChildProcess child = new ThreadedChildProcess(process, loop, listener);
        child.startThreads();
        return child;
    }

    private void startThreads() {
        long pid = process.pid();
        daemon("wsbridge-stdout-" + pid, () -> pump(process.getInputStream(), true));
        daemon("wsbridge-stderr-" + pid, () -> pump(process.getErrorStream(), false));
        daemon("wsbridge-stdin-" + pid, this::writeStdin);
        process.onExit().thenAccept(p -> {
            exited = true;
            int v = p.exitValue();
            ExitStatus status = v > 128 && v < 160 ? new ExitStatus(0, v - 128) : ExitStatus.exited(v);
            loop.execute(() -> listener.exited(status));
        });
    }

    private static void daemon(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
    }

    private void pump(InputStream in, boolean isStdout) {
        byte[] buf = new byte[CHUNK];
        try (in) {
            while (true) {
                waitWhilePaused(isStdout);
                int n = in.read(buf);
                if (n < 0) {
                    break;
                }
                ByteBuf chunk = Unpooled.copiedBuffer(buf, 0, n);
                loop.execute(() -> {
                    if (isStdout) {
                        listener.stdout(chunk);
                        listener.stdoutReadComplete();
                    } else {
                        listener.stderr(chunk);
                    }
                });
            }
        } catch (IOException | InterruptedException ignored) {
            // the pipe closed under us: treated as end of file
        }
        loop.execute(isStdout ? listener::stdoutClosed : listener::stderrClosed);
    }

    private void waitWhilePaused(boolean isStdout) throws InterruptedException {
        synchronized (pauseLock) {
            while (isStdout ? paused : stderrPaused) {
                pauseLock.wait();
            }
        }
    }

    private void writeStdin() {
        try (OutputStream out = process.getOutputStream()) {
            while (true) {
                byte[] chunk = toStdin.take();
                if (chunk == END) {
                    return;
                }
                out.write(chunk);
                out.flush();
                if (inFlight.addAndGet(-chunk.length) == 0 && drainWanted) {
                    drainWanted = false;
                    loop.execute(listener::stdinDrained);
                }
            }
        } catch (IOException | InterruptedException ignored) {
            toStdin.clear();
        }
    }

    @Override
    public long pid() {
        return process.pid();
    }

    @Override
    public void queueStdin(ByteBuf data) {
        try {
            if (!stdinClosed && data.isReadable()) {
                byte[] bytes = new byte[data.readableBytes()];
                data.readBytes(bytes);
                pending.add(bytes);
                pendingBytes += bytes.length;
            }
        } finally {
            data.release();
        }
    }

    @Override
    public long queuedStdinBytes() {
        return pendingBytes + inFlight.get();
    }

    @Override
    public boolean flushStdin() {
        for (byte[] b : pending) {
            inFlight.addAndGet(b.length);
            toStdin.add(b);
        }
        pending.clear();
        pendingBytes = 0;
        if (inFlight.get() > IN_FLIGHT_LIMIT) {
            drainWanted = true;
            if (inFlight.get() > IN_FLIGHT_LIMIT) {
                return false;
            }
            drainWanted = false;
        }
        return true;
    }

    @Override
    public void closeStdin() {
        if (!stdinClosed) {
            flushStdin();
            stdinClosed = true;
            toStdin.add(END);
        }
    }

    @Override
    public void pauseStdout() {
        synchronized (pauseLock) {
            paused = true;
        }
    }

    @Override
    public void resumeStdout() {
        synchronized (pauseLock) {
            paused = false;
            pauseLock.notifyAll();
        }
    }

    @Override
    public void pauseStderr() {
        synchronized (pauseLock) {
            stderrPaused = true;
        }
    }

    @Override
    public void resumeStderr() {
        synchronized (pauseLock) {
            stderrPaused = false;
            pauseLock.notifyAll();
        }
    }

    @Override
    public boolean signalGroup(int signal) {
        List<ProcessHandle> targets = new ArrayList<>();
        process.toHandle().descendants().forEach(targets::add);
        if (process.isAlive()) {
            targets.add(process.toHandle());
        }
        for (ProcessHandle h : targets) {
            if (signal == Signals.SIGKILL) {
                h.destroyForcibly();
            } else if (signal != 0) {
                h.destroy();
            }
        }
        return !targets.isEmpty();
    }

    @Override
    public boolean groupAlive() {
        return !exited || process.toHandle().descendants().findAny().isPresent();
    }

    @Override
    public void watchExit() {
        // the JDK's reaper thread already waits for it
    }

    @Override
    public void drainStderr() {
        // the stderr thread reads until end of file whatever happens; release does not close the pipe
    }

    @Override
    public void release() {
        closeStdin();
        resumeStdout();
        resumeStderr();
    }
}
