package io.wsbridge.rooms;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.EventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import io.wsbridge.http.Refusal;
import io.wsbridge.logging.LogScope;
import io.wsbridge.roombus.Admission;
import io.wsbridge.session.ClientEndpoint;
import io.wsbridge.session.ClientEvents;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A client waiting for its admission across instances, on a loop whose clock the test moves, with a fake client and
 * a fake room: every order of the answer, the deadline and the client's end. Whatever the order, the reservation
 * is given back at most once (exactly once unless the client joined), a client counted in by a late answer is
 * counted out, and nothing is ever sent to a client that left.
 */
class JoinAfterAdmissionTest {
    private static final long DEADLINE_MS = 5000;

    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final FakeClient client = new FakeClient(channel.eventLoop());
    private final CompletableFuture<Admission> answer = new CompletableFuture<>();
    private final FakeRoom room = new FakeRoom();
    private JoinAfterAdmission waiting;

    JoinAfterAdmissionTest() {
        channel.freezeTime();
    }

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    private void start() {
        waiting = new JoinAfterAdmission(client, "/r", LogScope.of("http"), answer, DEADLINE_MS, room);
    }

    /** The bus answers (on its own thread in real life); the answer reaches the client's loop. */
    private void bus(Admission a) {
        answer.complete(a);
        channel.runPendingTasks();
    }

    private void time(long ms) {
        channel.advanceTimeBy(ms, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        channel.runPendingTasks();
    }

    @Test
    void admittedJoinsTheRoomWhichThenHasTheClientsEvents() {
        start();
        assertThat(room.joins).isZero();
        bus(Admission.ADMITTED);
        assertThat(room.joins).isEqualTo(1);
        ByteBuf m = Unpooled.copiedBuffer(new byte[] {'x'});
        waiting.clientMessage(m, false, true);
        waiting.clientClosed(1000, "bye");
        assertThat(room.member.messages).isEqualTo(1);
        assertThat(room.member.closed).as("the member leaves the room itself").isEqualTo(1);
        time(2 * DEADLINE_MS);
        assertThat(room.givenBack).isZero();
        assertThat(room.countedOut).isZero();
        assertThat(client.refusals).isEmpty();
    }

    @Test
    void fullIs429AndUnavailableOrAFailedAskIs503() {
        start();
        bus(Admission.FULL);
        assertThat(client.refusals).containsExactly("429 Too Many Requests: the room is full");
        assertThat(room.givenBack).isEqualTo(1);

        JoinAfterAdmissionTest other = new JoinAfterAdmissionTest();
        other.start();
        other.bus(Admission.UNAVAILABLE);
        assertThat(other.client.refusals).containsExactly("503 Service Unavailable: the room bus is out of reach");
        assertThat(other.room.givenBack).isEqualTo(1);

        JoinAfterAdmissionTest failed = new JoinAfterAdmissionTest();
        failed.start();
        failed.answer.completeExceptionally(new IllegalStateException("bus closed"));
        failed.channel.runPendingTasks();
        assertThat(failed.client.refusals).containsExactly("503 Service Unavailable: the room bus is out of reach");
        assertThat(failed.room.givenBack).isEqualTo(1);
        for (JoinAfterAdmissionTest t : List.of(this, other, failed)) {
            t.time(2 * DEADLINE_MS);
            assertThat(t.room.joins).isZero();
            assertThat(t.room.countedOut).isZero();
            assertThat(t.client.refusals).hasSize(1);
        }
        other.close();
        failed.close();
    }

    @Test
    void noAnswerWithinTheDeadlineIs503AndALateAdmissionIsCountedOut() {
        start();
        time(DEADLINE_MS - 1);
        assertThat(client.refusals).isEmpty();
        time(1);
        assertThat(client.refusals).containsExactly("503 Service Unavailable: the room bus is out of reach");
        assertThat(room.givenBack).isEqualTo(1);
        bus(Admission.ADMITTED);
        assertThat(room.joins).isZero();
        assertThat(room.countedOut).as("the cluster counted it in after all").isEqualTo(1);
        assertThat(client.refusals).hasSize(1);
        assertThat(room.givenBack).isEqualTo(1);
    }

    @Test
    void aLateRefusalAfterTheDeadlineChangesNothing() {
        start();
        time(DEADLINE_MS);
        bus(Admission.FULL);
        assertThat(client.refusals).hasSize(1);
        assertThat(room.givenBack).isEqualTo(1);
        assertThat(room.countedOut).isZero();
    }

    @Test
    void aClientGoneWhileWaitingGivesBackAtOnceAndIsCountedOutIfAdmittedLater() {
        start();
        waiting.clientClosed(1006, "connection lost"); // or 1001 "server shutting down": the same call
        assertThat(room.givenBack).isEqualTo(1);
        bus(Admission.ADMITTED);
        assertThat(room.joins).as("nobody joins for a client that left").isZero();
        assertThat(room.countedOut).isEqualTo(1);
        time(2 * DEADLINE_MS);
        assertThat(client.refusals).as("nothing is sent to a client that left").isEmpty();
        assertThat(room.givenBack).isEqualTo(1);
    }

    @Test
    void aClientGoneWhileWaitingThenNoAnswerAtAll() {
        start();
        waiting.clientClosed(1001, "server shutting down");
        time(2 * DEADLINE_MS);
        bus(Admission.UNAVAILABLE);
        assertThat(room.givenBack).isEqualTo(1);
        assertThat(room.countedOut).isZero();
        assertThat(client.refusals).isEmpty();
        waiting.clientClosed(1006, "connection lost"); // a second end is not a second give-back
        assertThat(room.givenBack).isEqualTo(1);
    }

    @Test
    void theAnswerAndTheClientsEndInTheSameTurnOfTheLoop() {
        start();
        answer.complete(Admission.ADMITTED); // its hop to the loop is queued...
        waiting.clientClosed(1006, "connection lost"); // ...behind the end, which the loop runs first
        channel.runPendingTasks();
        assertThat(room.joins).isZero();
        assertThat(room.givenBack).isEqualTo(1);
        assertThat(room.countedOut).isEqualTo(1);
    }

    /** The room's side: counts what the wait asks of it. */
    private static final class FakeRoom implements JoinAfterAdmission.Outcome {
        int joins;
        int givenBack;
        int countedOut;
        final FakeMember member = new FakeMember();

        @Override
        public ClientEvents join() {
            joins++;
            return member;
        }

        @Override
        public void giveBack() {
            givenBack++;
        }

        @Override
        public void countOut() {
            countedOut++;
        }
    }

    private static final class FakeMember implements ClientEvents {
        int messages;
        int closed;

        @Override
        public void clientMessage(ByteBuf data, boolean binary, boolean last) {
            messages++;
            data.release();
        }

        @Override
        public void clientReadComplete() {
        }

        @Override
        public void clientWritable() {
        }

        @Override
        public void clientClosed(int code, String reason) {
            closed++;
        }
    }

    /** Only refusals matter before the 101: the room lets an admitted client in itself. */
    private static final class FakeClient implements ClientEndpoint {
        private final EventLoop loop;
        final List<String> refusals = new ArrayList<>();

        FakeClient(EventLoop loop) {
            this.loop = loop;
        }

        @Override
        public void refuse(Refusal refusal) {
            refusals.add(refusal.status() + " " + refusal.getMessage());
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
        public void fragment(ByteBuf payload, boolean binary, boolean first, boolean last) {
            payload.release();
            throw new AssertionError("nothing is sent before the 101");
        }

        @Override
        public void writeFrames(ByteBuf frames) {
            frames.release();
            throw new AssertionError("nothing is sent before the 101");
        }

        @Override
        public void flush() {
        }

        @Override
        public boolean isWritable() {
            return true;
        }

        @Override
        public void pauseReading() {
        }

        @Override
        public void resumeReading() {
        }

        @Override
        public void open() {
            throw new AssertionError("the room lets the client in, not the wait");
        }

        @Override
        public void close(int code, String reason) {
            throw new AssertionError("before the 101, a refusal, not a close");
        }
    }
}
