package io.wsbridge.rooms;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.EventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import io.wsbridge.cli.Config;
import io.wsbridge.http.Refusal;
import io.wsbridge.http.RequestInfo;
import io.wsbridge.logging.LogScope;
import io.wsbridge.process.ExitStatus;
import io.wsbridge.process.ForkLimiter;
import io.wsbridge.session.ClientEndpoint;
import io.wsbridge.session.ClientEvents;
import io.wsbridge.session.ProgramEndpoint;
import io.wsbridge.session.ProgramEvents;
import io.wsbridge.testing.RequestBuilder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A room's endings with a fake program and fake clients on a loop whose clock the test moves: who is closed
 * with what, when the program is ended, and that the program is started once.
 */
class RoomEndingsTest {
    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final EventLoop loop = channel.eventLoop();
    private final ForkLimiter forks = new ForkLimiter(0);
    private final List<FakeProgram> programs = new ArrayList<>();
    private ProcessPerRoom rooms;
    private Room room;
    private int ids;

    RoomEndingsTest() {
        channel.freezeTime();
    }

    private void open(Config.Rooms settings) {
        rooms = new ProcessPerRoom(null, null, null, forks, null, settings, UnpooledByteBufAllocator.DEFAULT);
        room = rooms.add(new Room("/r", rooms, settings, LogScope.of("room"), UnpooledByteBufAllocator.DEFAULT, r -> {
            FakeProgram p = new FakeProgram(r);
            programs.add(p);
            return p;
        }));
        forks.tryAcquire();
    }

    private static Config.Rooms rooms(int history, long lingerMs, Config.SlowClient slow, long buffer) {
        return new Config.Rooms(true, false, history, lingerMs, 0, buffer, slow);
    }

    private FakeClient join() {
        FakeClient c = new FakeClient(loop);
        room.reservations++; // as ProcessPerRoom.prepare does, under its lock (one thread here)
        RequestInfo request = RequestBuilder.get("/r").build();
        c.events = room.start(c, request, "c" + ++ids);
        run();
        return c;
    }

    private void run() {
        channel.runPendingTasks();
        channel.runPendingTasks();
    }

    private void advance(long ms) {
        channel.advanceTimeBy(ms, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        run();
    }

    private void prints(String line) {
        ByteBuf b = Unpooled.copiedBuffer(line, StandardCharsets.UTF_8);
        room.fragment(b, false, true, true);
        room.outputFlush();
        run();
    }

    @Test
    void oneProgramForAllAndItsExitClosesEveryone() {
        open(rooms(0, 0, Config.SlowClient.CLOSE, 1 << 20));
        FakeClient a = join();
        FakeClient b = join();
        assertThat(programs).hasSize(1);
        a.events.clientMessage(Unpooled.copiedBuffer("hi", StandardCharsets.UTF_8), false, true);
        run();
        assertThat(programs.get(0).stdin).containsExactly("hi");
        prints("HI");
        assertThat(a.messages()).containsExactly("HI");
        assertThat(b.messages()).containsExactly("HI");
        room.outputEnded();
        room.exited(ExitStatus.exited(2));
        run();
        assertThat(a.closeCode).isEqualTo(1011);
        assertThat(a.closeReason).isEqualTo("exit status 2");
        assertThat(b.closeCode).isEqualTo(1011);
        assertThat(programs.get(0).ended).isTrue();
        FakeClient late = join(); // reserved before the room was retired, joins after: told at once
        assertThat(late.closeCode).isEqualTo(1011);
        assertThat(programs).as("no program for a room that is over").hasSize(1);
    }

    @Test
    void theLastClientLeavingEndsTheProgramAfterTheLinger() {
        open(rooms(0, 500, Config.SlowClient.CLOSE, 1 << 20));
        FakeClient a = join();
        a.events.clientClosed(1000, "bye");
        run();
        advance(499);
        assertThat(programs.get(0).ended).isFalse();
        FakeClient b = join(); // comes back within the linger: keeps the program
        advance(1000);
        assertThat(programs.get(0).ended).isFalse();
        assertThat(programs).hasSize(1);
        b.events.clientClosed(1000, "bye");
        run();
        advance(500);
        assertThat(programs.get(0).ended).isTrue();
        assertThat(a.closes).as("no close echoed to clients that left").isZero();
    }

    @Test
    void theProgramCannotStart() {
        open(rooms(0, 0, Config.SlowClient.CLOSE, 1 << 20));
        FakeClient a = join();
        FakeClient b = join();
        room.failed("No such file or directory");
        run();
        assertThat(a.opens).as("never let in: the close before the 101 becomes a 503").isZero();
        assertThat(a.closeCode).isEqualTo(1011);
        assertThat(a.closeReason).isEqualTo("cannot start program: No such file or directory");
        assertThat(b.opens).isZero();
        assertThat(b.closeReason).isEqualTo("cannot start program: No such file or directory");
        FakeClient late = join(); // reserved before the room was retired
        assertThat(late.opens).isZero();
        assertThat(late.closeReason).isEqualTo("cannot start program: No such file or directory");
    }

    @Test
    void clientsAreLetInOnceTheProgramRuns() {
        open(rooms(0, 0, Config.SlowClient.CLOSE, 1 << 20));
        FakeClient a = join();
        FakeClient b = join();
        assertThat(a.opens).as("no 101 while the program is being started").isZero();
        assertThat(b.opens).isZero();
        room.started();
        run();
        assertThat(a.opens).isEqualTo(1);
        assertThat(b.opens).isEqualTo(1);
        FakeClient c = join(); // the program runs: let in as it joins
        assertThat(c.opens).isEqualTo(1);
        prints("x");
        assertThat(c.messages()).containsExactly("x");
        room.outputEnded();
        room.exited(ExitStatus.exited(0));
        run();
        FakeClient late = join(); // reserved before the room was retired: let in, then told how it ended
        assertThat(late.opens).isEqualTo(1);
        assertThat(late.closeCode).isEqualTo(1000);
    }

    @Test
    void historyThenLive() {
        open(rooms(2, 0, Config.SlowClient.CLOSE, 1 << 20));
        FakeClient a = join();
        prints("1");
        prints("2");
        prints("3");
        FakeClient b = join();
        prints("4");
        assertThat(a.messages()).containsExactly("1", "2", "3", "4");
        assertThat(b.messages()).containsExactly("2", "3", "4");
    }

    @Test
    void aClientWhoseQueueIsFullIsClosedAndTheOthersGoOn() {
        open(rooms(0, 0, Config.SlowClient.CLOSE, 10));
        FakeClient slow = join();
        FakeClient fast = join();
        slow.writable = false;
        prints("12345");
        prints("67890"); // 2 x 7 bytes of frames: over the 10-byte queue
        assertThat(slow.closeCode).isEqualTo(1008);
        assertThat(slow.closeReason).isEqualTo("too slow");
        prints("more");
        assertThat(fast.messages()).containsExactly("12345", "67890", "more");
        assertThat(programs.get(0).outputPaused).isFalse();
    }

    @Test
    void waitPausesTheProgramUntilTheSlowClientHasRoom() {
        open(rooms(0, 0, Config.SlowClient.WAIT, 10));
        FakeClient slow = join();
        slow.writable = false;
        prints("12345");
        prints("67890");
        assertThat(programs.get(0).outputPaused).isTrue();
        assertThat(slow.closes).isZero();
        slow.writable = true;
        slow.events.clientWritable();
        run();
        assertThat(programs.get(0).outputPaused).isFalse();
        assertThat(slow.messages()).containsExactly("12345", "67890");
    }

    /** A program that records what the room asks of it. */
    private static final class FakeProgram implements ProgramEndpoint {
        final ProgramEvents events;
        final List<String> stdin = new ArrayList<>();
        boolean outputPaused;
        boolean ended;

        FakeProgram(ProgramEvents events) {
            this.events = events;
        }

        @Override
        public boolean write(ByteBuf data, boolean binary, boolean last) {
            stdin.add(data.toString(StandardCharsets.UTF_8));
            data.release();
            return true;
        }

        @Override
        public boolean flush() {
            return true;
        }

        @Override
        public void pauseOutput() {
            outputPaused = true;
        }

        @Override
        public void resumeOutput() {
            outputPaused = false;
        }

        @Override
        public void end() {
            ended = true;
        }

        @Override
        public long pid() {
            return 1;
        }
    }

    /** A client that decodes the frames it is given and records how it is closed. */
    private static final class FakeClient implements ClientEndpoint {
        private final EventLoop loop;
        private final List<String> frames = new ArrayList<>();
        ClientEvents events;
        boolean writable = true;
        /** Times it was let in (101): once the program runs, never when it cannot start. */
        int opens;
        int closes;
        int closeCode = -1;
        String closeReason;

        FakeClient(EventLoop loop) {
            this.loop = loop;
        }

        List<String> messages() {
            return frames;
        }

        @Override
        public void writeFrames(ByteBuf b) {
            while (b.isReadable()) { // short unmasked text frames only
                b.readByte();
                int len = b.readByte() & 0x7f;
                frames.add(b.readCharSequence(len, StandardCharsets.UTF_8).toString());
            }
            b.release();
        }

        @Override
        public void fragment(ByteBuf payload, boolean binary, boolean first, boolean last) {
            payload.release();
            throw new UnsupportedOperationException("rooms send frames");
        }

        @Override
        public EventLoop eventLoop() {
            return loop;
        }

        @Override
        public ByteBufAllocator alloc() {
            return UnpooledByteBufAllocator.DEFAULT;
        }

        @Override
        public void flush() {
        }

        @Override
        public boolean isWritable() {
            return writable;
        }

        @Override
        public void pauseReading() {
        }

        @Override
        public void resumeReading() {
        }

        @Override
        public void open() {
            opens++;
        }

        @Override
        public void close(int code, String reason) {
            closes++;
            closeCode = code;
            closeReason = reason;
        }

        @Override
        public void refuse(Refusal refusal) {
            closes++;
            closeCode = refusal.status();
            closeReason = refusal.getMessage();
        }
    }
}
