package io.wsbridge.session;

import io.netty.buffer.ByteBuf;
import io.wsbridge.framing.Framers;
import io.wsbridge.framing.InputFramer;
import io.wsbridge.framing.OutputFramer;
import io.wsbridge.framing.ProgramFramingError;
import io.wsbridge.framing.TaggedLineFramer;
import io.wsbridge.http.RequestInfo;
import io.wsbridge.logging.LogScope;
import io.wsbridge.http.CgiEnvironment;
import io.wsbridge.process.ChildListener;
import io.wsbridge.process.ChildProcess;
import io.wsbridge.process.ExitStatus;
import io.wsbridge.process.KillLadder;
import io.wsbridge.process.LaunchException;
import io.wsbridge.process.LaunchSpec;
import io.wsbridge.process.ProcessLauncher;
import io.wsbridge.session.CloseCodes;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import io.wsbridge.process.ForkLimiter;
import io.wsbridge.process.StderrLog;

/**
 * One WebSocket joined to one child: the two endpoints of websocketd's model, each direction running on its
 * own. Client messages go to stdin (a newline after each text message); stdout goes through the framer to
 * the client. Backpressure both ways: a client socket that cannot take more pauses stdout, a full stdin
 * pauses reading the socket. Ending: when the child's output is over and it has exited, the client gets
 * everything, then a close frame (1000 for exit status 0, else 1011, the reason naming the status); when the
 * client goes first, stdin is closed and the kill ladder runs on the child's process group.
 * Everything here runs on the connection's event loop.
 */
final class ProcessSession implements Backend, ChildListener {
    /** Write to stdin before the end of a socket read when this much is queued (bounds the queue). */
    private static final long EARLY_FLUSH_BYTES = 64 * 1024;

    private final ClientEndpoint client;
    private final ForkLimiter forks;
    private final ProcessPerConnection.Settings settings;
    private final LogScope log;
    private final OutputFramer framer;
    private final InputFramer input;
    private final Consumer<ByteBuf> stdin = data -> this.child.queueStdin(data);
    private String command;
    /** --passstderr: stderr lines to the client as well (null otherwise). */
    private final OutputFramer stderrFramer;
    private final long startNanos = System.nanoTime();
    private ChildProcess child;
    private StderrLog stderr;
    private KillLadder ladder;
    private boolean clientOpen = true;
    private boolean stdoutOpen = true;
    private boolean stderrOpen = true;
    private boolean readingPaused;
    private ExitStatus exit;
    private boolean ladderDone;
    private boolean completed;
    private boolean released;

    private ProcessSession(ClientEndpoint client, ForkLimiter forks, ProcessPerConnection.Settings settings,
                           LogScope log) {
        this.client = client;
        this.forks = forks;
        this.settings = settings;
        this.log = log;
        if (settings.passStderr()) {
            this.framer = new TaggedLineFramer("stdout", client.alloc());
            this.stderrFramer = new TaggedLineFramer("stderr", client.alloc());
        } else {
            this.framer = Framers.output(settings.framing(), settings.binary(), settings.maxMessage(),
                    client.alloc());
            this.stderrFramer = null;
        }
        this.input = Framers.input(settings.framing(), settings.binary(), client.alloc());
    }

    /**
     * @param remoteHost REMOTE_HOST (the address, or its name with --reverselookup)
     * @param extraEnv   further NAME=value variables (WEBSOCKET_PROTOCOL)
     */
    static Backend start(ClientEndpoint client, RequestInfo request, String remoteHost, LaunchTarget target,
                         List<String> extraEnv, ProcessLauncher launcher, CgiEnvironment environment,
                         ForkLimiter forks, ProcessPerConnection.Settings settings) {
        LogScope log = LogScope.of("session")
                .with("url", request.url())
                .with("id", request.id())
                .with("remote", request.remoteAddr())
                .with("command", target.displayName());
        if (request.origin() != null) {
            log = log.with("origin", request.origin());
        }
        ProcessSession session = new ProcessSession(client, forks, settings, log);
        log.access("CONNECT");
        List<String> argv = new ArrayList<>(1 + target.args().size());
        argv.add(target.displayName());
        argv.addAll(target.args());
        List<String> env = environment.forRequest(request, remoteHost, target.scriptName(), target.pathInfo(),
                extraEnv);
        session.command = target.displayName();
        // Returns at once: the process is created off the event loop; until it runs, what we ask of it is
        // held (started() or startFailed() follows).
        session.child = launcher.launch(new LaunchSpec(target.executable(), argv, env), client.eventLoop(),
                session);
        session.ladder = new KillLadder(client.eventLoop(), session.child, settings.closeMs(), session::ladderDone);
        return session;
    }

    @Override
    public void started() {
        stderr = new StderrLog(log.with("pid", child.pid()));
    }

    @Override
    public void startFailed(LaunchException e) {
        log.category("process").error("Could not launch process {} ({})", command, e.getMessage());
        forks.release();
        completed = true;
        released = true;
        if (clientOpen) {
            clientOpen = false;
            client.close(CloseCodes.INTERNAL_ERROR, "cannot start program: " + e.getMessage());
        }
        log.with("status", "not started").access("DISCONNECT");
    }

    // ---- client -> child ----

    @Override
    public void messageChunk(ByteBuf data, boolean binary, boolean last) {
        if (!clientOpen || child == null) {
            data.release();
            return;
        }
        if (!input.accepts(binary)) {
            data.release();
            if (last && log.debugEnabled()) {
                log.category("websocket").debug("Ignoring {} message in {} mode", binary ? "binary" : "text",
                        settings.binary() ? "binary" : "text");
            }
            return;
        }
        input.frame(data, binary, last, stdin);
        if (child.queuedStdinBytes() >= EARLY_FLUSH_BYTES) {
            flushStdin();
        }
    }

    @Override
    public void readComplete() {
        if (clientOpen && child != null) {
            flushStdin();
        }
    }

    private void flushStdin() {
        if (!child.flushStdin() && !readingPaused) {
            readingPaused = true;
            client.pauseReading();
        }
    }

    @Override
    public void stdinDrained() {
        if (readingPaused) {
            readingPaused = false;
            client.resumeReading();
        }
    }

    // ---- child -> client ----

    @Override
    public void stdout(ByteBuf chunk) {
        if (!clientOpen) {
            chunk.release(); // the client is gone: keep draining so the child is not stuck on a full pipe
            return;
        }
        try {
            framer.frame(chunk, client);
        } catch (ProgramFramingError e) {
            brokenFraming(e);
            return;
        }
        if (!client.isWritable()) {
            pauseOutput();
        }
    }

    /**
     * The program's output cannot be cut into messages any more: its client gets 1011 with the reason, and
     * the program is ended as if its client had gone (stdin closed, then the kill ladder). Its further output
     * is drained and dropped.
     */
    private void brokenFraming(ProgramFramingError e) {
        if (!clientOpen) {
            return;
        }
        log.category("process").error("Closing: {}", e.getMessage());
        clientOpen = false;
        framer.discard();
        input.discard();
        client.close(CloseCodes.INTERNAL_ERROR, e.getMessage());
        child.closeStdin();
        resumeOutput();
        ladder.start();
        tryFinish();
    }

    private void pauseOutput() {
        child.pauseStdout();
        if (stderrFramer != null) {
            child.pauseStderr();
        }
    }

    private void resumeOutput() {
        child.resumeStdout();
        if (stderrFramer != null) {
            child.resumeStderr();
        }
    }

    @Override
    public void stdoutReadComplete() {
        if (clientOpen) {
            client.flush();
        }
    }

    @Override
    public void clientWritable() {
        if (child != null && clientOpen) {
            resumeOutput();
        }
    }

    @Override
    public void stdoutClosed() {
        stdoutOpen = false;
        if (clientOpen) {
            try {
                framer.finish(client);
                client.flush();
            } catch (ProgramFramingError e) {
                client.flush();
                brokenFraming(e);
            }
        }
        child.closeStdin();
        endIfOutputClosed();
        tryFinish();
    }

    /** It closed its output (with --passstderr: both streams) but lives on: nothing more to say, so it ends. */
    private void endIfOutputClosed() {
        if (exit == null && !stdoutOpen && (stderrFramer == null || !stderrOpen)) {
            log.category("process").debug("Process STDOUT closed");
            ladder.start();
        }
    }

    @Override
    public void stderr(ByteBuf chunk) {
        if (stderrFramer == null || !clientOpen) {
            stderr.accept(chunk);
            return;
        }
        stderr.accept(chunk.retain()); // logged as well
        stderrFramer.frame(chunk, client);
        client.flush();
        if (!client.isWritable()) {
            pauseOutput();
        }
    }

    @Override
    public void stderrClosed() {
        stderr.finish();
        stderrOpen = false;
        if (stderrFramer == null) {
            return;
        }
        if (clientOpen) {
            stderrFramer.finish(client);
            client.flush();
        }
        endIfOutputClosed();
        tryFinish();
    }

    // ---- endings ----

    @Override
    public void exited(ExitStatus status) {
        exit = status;
        forks.release();
        if (ladder.started()) {
            ladder.leaderExited();
        }
        tryFinish();
    }

    @Override
    public void clientClosed(int code, String reason) {
        if (!clientOpen) {
            return;
        }
        clientOpen = false;
        framer.discard();
        input.discard();
        if (stderrFramer != null) {
            stderrFramer.discard();
        }
        if (child == null || completed) {
            return; // never started, or already over
        }
        child.closeStdin();
        resumeOutput();
        ladder.start();
        tryFinish();
    }

    private void tryFinish() {
        // With --passstderr the end waits for stderr too, so its last lines are delivered.
        if (clientOpen && !stdoutOpen && (stderrFramer == null || !stderrOpen) && exit != null) {
            clientOpen = false;
            client.close(exit.success() ? CloseCodes.NORMAL : CloseCodes.INTERNAL_ERROR, exit.describe());
        }
        if (!clientOpen && exit != null && !completed) {
            completed = true;
            if (log.accessEnabled()) {
                long ms = (System.nanoTime() - startNanos) / 1_000_000;
                String millis = Long.toString(1000 + ms % 1000).substring(1);
                log.with("pid", child.pid())
                        .with("status", exit.describe())
                        .with("duration", ms / 1000 + "." + millis + "s")
                        .access("DISCONNECT");
            }
            if (child.groupAlive()) {
                ladder.start(); // grandchildren outlived it: the group goes too
            } else {
                release();
            }
        }
        if (completed && ladderDone) {
            release();
        }
    }

    private void ladderDone() {
        ladderDone = true;
        if (exit != null) {
            release();
        }
    }

    private void release() {
        if (!released) {
            released = true;
            framer.discard();
            input.discard();
            if (stderrFramer != null) {
                stderrFramer.discard();
            }
            ladder.cancel();
            child.release();
        }
    }
}
