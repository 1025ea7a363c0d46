package io.wsbridge.rooms;

import io.netty.buffer.ByteBuf;
import io.wsbridge.process.ExitStatus;
import io.wsbridge.session.ProgramEndpoint;
import io.wsbridge.session.ProgramEvents;
import java.util.function.Supplier;

/**
 * With --roombus, a room's program can be stopped while the room goes on (another instance took the room over):
 * this passes a program's events to the room only while it is the room's current program, so the stopped one's
 * last output and its exit say nothing to the room.
 */
final class CurrentProgram implements ProgramEvents {
    private final ProgramEvents room;
    private final Supplier<ProgramEndpoint> current;
    private ProgramEndpoint mine;

    CurrentProgram(ProgramEvents room, Supplier<ProgramEndpoint> current) {
        this.room = room;
        this.current = current;
    }

    /** The program these events are about (until then, during its launch, they count as current). */
    void launched(ProgramEndpoint program) {
        this.mine = program;
    }

    private boolean current() {
        return mine == null || mine == current.get();
    }

    @Override
    public void started() {
        if (current()) {
            room.started();
        }
    }

    @Override
    public void fragment(ByteBuf payload, boolean binary, boolean first, boolean last) {
        if (current()) {
            room.fragment(payload, binary, first, last);
        } else {
            payload.release();
        }
    }

    @Override
    public void outputFlush() {
        if (current()) {
            room.outputFlush();
        }
    }

    @Override
    public void inputDrained() {
        if (current()) {
            room.inputDrained();
        }
    }

    @Override
    public void outputEnded() {
        if (current()) {
            room.outputEnded();
        }
    }

    @Override
    public void outputBroken(String reason) {
        if (current()) {
            room.outputBroken(reason);
        }
    }

    @Override
    public void exited(ExitStatus status) {
        if (current()) {
            room.exited(status);
        }
    }

    @Override
    public void failed(String why) {
        if (current()) {
            room.failed(why);
        }
    }
}
