package io.wsbridge.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;
import io.wsbridge.framing.Framers;
import io.wsbridge.framing.Framing;
import io.wsbridge.framing.InputFramer;
import io.wsbridge.framing.OutputFramer;
import io.wsbridge.framing.ProgramFramingError;
import io.wsbridge.framing.TaggedLineFramer;
import io.wsbridge.logging.LogScope;
import io.wsbridge.process.ChildLifecycle;
import io.wsbridge.process.ChildProcess;
import io.wsbridge.process.ExitStatus;
import io.wsbridge.process.ForkLimiter;
import io.wsbridge.process.LaunchException;
import io.wsbridge.process.LaunchSpec;
import io.wsbridge.process.ProcessLauncher;
import io.wsbridge.process.StderrLog;
import java.util.function.Consumer;

/**
 * A child process as a {@link ProgramEndpoint}: messages become its stdin and its stdout is cut into messages,
 * both by the framers of --framing / --binary (lines by default: a newline after each text message, one
 * message per output line; with --passstderr, stdout and stderr lines as tagged JSON), and its stderr is
 * logged. Output that breaks its framing ends it (the session closes its client with 1011 and the reason). When its output ends but it lives on, it has nothing more to
 * say: stdin is closed and the signal ladder ends it. Fork slot, ladder and pipes are its {@link ChildLifecycle}'s.
 */
public final class ChildProgram implements ProgramEndpoint, ChildLifecycle.Owner {
    /** Write to stdin before the end of a socket read when this much is queued (bounds the queue). */
    private static final long EARLY_FLUSH_BYTES = 64 * 1024;

    /**
     * @param binary     --binary: raw bytes both ways instead of lines
     * @param passStderr --passstderr: stdout and stderr lines as tagged JSON messages
     * @param closeMs    --closems, the extra grace before the signal ladder
     * @param framing    --framing: message boundaries on the pipes (ignored with --binary and --passstderr)
     * @param maxMessage the largest message the program may announce in a length-prefixed header
     */
    public record Settings(boolean binary, boolean passStderr, long closeMs, Framing framing, long maxMessage) {
    }

    private final ProgramEvents events;
    private final Settings settings;
    private final LogScope log;
    private final String command;
    private final OutputFramer framer;
    private final InputFramer input;
    private final Consumer<ByteBuf> stdin = data -> this.life.pipes().queueStdin(data);
    /** --passstderr: stderr lines to the client as well (null otherwise). */
    private final OutputFramer stderrFramer;
    private ChildLifecycle life;
    private StderrLog stderr;
    private boolean stdoutOpen = true;
    private boolean stderrOpen = true;
    private boolean ended;

    private ChildProgram(ProgramEvents events, Settings settings, LogScope log, String command,
                         ByteBufAllocator alloc) {
        this.events = events;
        this.settings = settings;
        this.log = log;
        this.command = command;
        if (settings.passStderr()) {
            this.framer = new TaggedLineFramer("stdout", alloc);
            this.stderrFramer = new TaggedLineFramer("stderr", alloc);
        } else {
            this.framer = Framers.output(settings.framing(), settings.binary(), settings.maxMessage(), alloc);
            this.stderrFramer = null;
        }
        this.input = Framers.input(settings.framing(), settings.binary(), alloc);
    }

    /**
     * Starts the program (the caller has taken a fork slot, which it now holds). Returns at once: the process
     * is created off the event loop, and what is asked of it meanwhile is held for it.
     */
    public static ChildProgram launch(LaunchSpec spec, String command, Settings settings, ProcessLauncher launcher,
                               ForkLimiter forks, EventLoop loop, ByteBufAllocator alloc, LogScope log,
                               ProgramEvents events) {
        ChildProgram program = new ChildProgram(events, settings, log, command, alloc);
        program.life = ChildLifecycle.launch(launcher, spec, loop, forks, settings.closeMs(),
                ChildLifecycle.AfterExit.END_GROUP, program);
        return program;
    }

    // ---- messages in ----

    @Override
    public boolean write(ByteBuf data, boolean binary, boolean last) {
        if (ended || life.released()) {
            data.release();
            return true;
        }
        if (!input.accepts(binary)) {
            data.release();
            if (last && log.debugEnabled()) {
                log.category("websocket").debug("Ignoring {} message in {} mode", binary ? "binary" : "text",
                        settings.binary() ? "binary" : "text");
            }
            return true;
        }
        ChildProcess child = life.pipes();
        input.frame(data, binary, last, stdin);
        return child.queuedStdinBytes() < EARLY_FLUSH_BYTES || child.flushStdin();
    }

    @Override
    public boolean flush() {
        return ended || life.released() || life.pipes().flushStdin();
    }

    @Override
    public void stdinDrained() {
        events.inputDrained();
    }

    // ---- messages out ----

    @Override
    public void stdout(ByteBuf chunk) {
        if (ended) {
            chunk.release(); // nobody listens: keep draining so it is not stuck on a full pipe
            return;
        }
        try {
            framer.frame(chunk, events);
        } catch (ProgramFramingError e) {
            brokenFraming(e);
        }
    }

    /**
     * Its output cannot be cut into messages any more: it is ended as if nobody listened (stdin closed, then
     * the signal ladder; its further output drained and dropped), and the session closes its client with 1011.
     */
    private void brokenFraming(ProgramFramingError e) {
        log.category("process").error("Closing: {}", e.getMessage());
        end();
        events.outputBroken(e.getMessage());
    }

    @Override
    public void stdoutReadComplete() {
        if (!ended) {
            events.outputFlush();
        }
    }

    @Override
    public void stderr(ByteBuf chunk) {
        if (stderrFramer == null || ended) {
            stderr.accept(chunk);
            return;
        }
        stderr.accept(chunk.retain()); // logged as well
        stderrFramer.frame(chunk, events);
        events.outputFlush();
    }

    @Override
    public void pauseOutput() {
        life.pipes().pauseStdout();
        if (stderrFramer != null) {
            life.pipes().pauseStderr();
        }
    }

    @Override
    public void resumeOutput() {
        life.pipes().resumeStdout();
        if (stderrFramer != null) {
            life.pipes().resumeStderr();
        }
    }

    // ---- endings ----

    @Override
    public void started() {
        stderr = new StderrLog(log.with("pid", life.pid()));
        events.started();
    }

    @Override
    public void startFailed(LaunchException e) {
        log.category("process").error("Could not launch process {} ({})", command, e.getMessage());
        events.failed(e.getMessage());
    }

    @Override
    public void stdoutClosed() {
        stdoutOpen = false;
        if (!ended) {
            try {
                framer.finish(events);
                events.outputFlush();
            } catch (ProgramFramingError e) {
                events.outputFlush();
                brokenFraming(e);
                return;
            }
        }
        life.pipes().closeStdin();
        outputMayBeOver();
    }

    @Override
    public void stderrClosed() {
        stderr.finish();
        stderrOpen = false;
        if (stderrFramer == null) {
            return;
        }
        if (!ended) {
            stderrFramer.finish(events);
            events.outputFlush();
        }
        outputMayBeOver();
    }

    /** With --passstderr the output is over when both streams are, so stderr's last lines are delivered. */
    private void outputMayBeOver() {
        if (stdoutOpen || (stderrFramer != null && stderrOpen)) {
            return;
        }
        if (life.exit() == null) {
            log.category("process").debug("Process STDOUT closed");
            life.stop(); // it closed its output but lives on: nothing more to say, so it ends
        }
        if (!ended) {
            events.outputEnded();
        }
    }

    @Override
    public void exited(ExitStatus status) {
        events.exited(status);
    }

    @Override
    public void end() {
        if (ended) {
            return;
        }
        ended = true;
        discardFramers();
        life.end();
        life.done();
    }

    @Override
    public void released() {
        discardFramers();
    }

    private void discardFramers() {
        framer.discard();
        input.discard();
        if (stderrFramer != null) {
            stderrFramer.discard();
        }
    }

    @Override
    public long pid() {
        return life.pid();
    }
}
