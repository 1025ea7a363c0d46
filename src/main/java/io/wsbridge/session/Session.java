package io.wsbridge.session;

import io.netty.buffer.ByteBuf;
import io.wsbridge.logging.LogScope;
import io.wsbridge.process.ExitStatus;
import java.util.function.Function;

/**
 * One client joined to one program, websocketd's PipeEndpoints: each direction runs on its own, and
 * backpressure is the same rule both ways (a side that cannot take more pauses the side that produces).
 *
 * <p>The life of a session: the program is started as the client arrives, and the client is let in (101)
 * once it runs, or refused (503) when it cannot start; client messages go to the program, program messages to
 * the client; then one of them ends. If the program ends first (its output is
 * over and it has exited), the client gets everything it said, then a close frame (1000 for exit status 0,
 * else 1011, the reason naming the status). If the client ends first, the program is ended (stdin closed,
 * then the signal ladder). Either way the session is over once the client is gone and the program has exited.
 * Everything here runs on the connection's event loop.
 */
final class Session implements ClientEvents, ProgramEvents {
    private final ClientEndpoint client;
    private final LogScope log;
    private final long startNanos = System.nanoTime();
    private ProgramEndpoint program;
    private boolean clientOpen = true;
    private boolean readingPaused;
    private boolean outputPaused;
    private boolean outputEnded;
    private ExitStatus exit;
    private boolean over;

    private Session(ClientEndpoint client, LogScope log) {
        this.client = client;
        this.log = log;
    }

    /**
     * Starts a session for a client whose upgrade was accepted; {@code launch} starts its program. The client
     * is let in (101) once the program runs, or refused (503) if it cannot start.
     */
    static ClientEvents start(ClientEndpoint client, LogScope log, Function<ProgramEvents, ProgramEndpoint> launch) {
        Session session = new Session(client, log);
        log.access("CONNECT");
        session.program = launch.apply(session);
        return session;
    }

    @Override
    public void started() {
        if (clientOpen) {
            client.open();
        }
    }

    // ---- client -> program ----

    @Override
    public void clientMessage(ByteBuf data, boolean binary, boolean last) {
        if (!clientOpen || program == null) {
            data.release();
        } else if (!program.write(data, binary, last)) {
            pauseReading();
        }
    }

    @Override
    public void clientReadComplete() {
        if (clientOpen && program != null && !program.flush()) {
            pauseReading();
        }
    }

    private void pauseReading() {
        if (!readingPaused) {
            readingPaused = true;
            client.pauseReading();
        }
    }

    @Override
    public void inputDrained() {
        if (readingPaused) {
            readingPaused = false;
            client.resumeReading();
        }
    }

    // ---- program -> client ----

    @Override
    public void fragment(ByteBuf payload, boolean binary, boolean first, boolean last) {
        if (!clientOpen) {
            payload.release();
            return;
        }
        client.fragment(payload, binary, first, last);
        if (!outputPaused && !client.isWritable()) {
            outputPaused = true;
            program.pauseOutput();
        }
    }

    @Override
    public void outputFlush() {
        if (clientOpen) {
            client.flush();
        }
    }

    @Override
    public void clientWritable() {
        if (outputPaused && clientOpen) {
            outputPaused = false;
            program.resumeOutput();
        }
    }

    // ---- endings ----

    @Override
    public void outputEnded() {
        outputEnded = true;
        finishIfOver();
    }

    @Override
    public void exited(ExitStatus status) {
        exit = status;
        finishIfOver();
    }

    @Override
    public void clientClosed(int code, String reason) {
        if (!clientOpen) {
            return;
        }
        clientOpen = false;
        if (program != null) {
            program.end();
        }
        finishIfOver();
    }

    @Override
    public void outputBroken(String reason) {
        if (clientOpen) {
            clientOpen = false;
            client.close(CloseCodes.INTERNAL_ERROR, reason);
        }
        finishIfOver();
    }

    @Override
    public void failed(String why) {
        over = true;
        if (clientOpen) {
            clientOpen = false;
            // Before the 101: the client gets a 503 with this reason, not a WebSocket (see ClientEndpoint.close).
            client.close(CloseCodes.INTERNAL_ERROR, "cannot start program: " + why);
        }
        log.with("status", "not started").access("DISCONNECT");
    }

    private void finishIfOver() {
        if (clientOpen && outputEnded && exit != null) {
            clientOpen = false; // the program said all it had to say, and went
            client.close(exit.success() ? CloseCodes.NORMAL : CloseCodes.INTERNAL_ERROR, exit.describe());
            program.end(); // gives back what it held (and ends what it left running in its group)
        }
        if (!clientOpen && exit != null && !over) {
            over = true;
            if (log.accessEnabled()) {
                long ms = (System.nanoTime() - startNanos) / 1_000_000;
                String millis = Long.toString(1000 + ms % 1000).substring(1);
                log.with("pid", program.pid())
                        .with("status", exit.describe())
                        .with("duration", ms / 1000 + "." + millis + "s")
                        .access("DISCONNECT");
            }
        }
    }
}
