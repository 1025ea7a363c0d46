package io.wsbridge.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.wsbridge.process.ExitStatus;
import io.wsbridge.process.LaunchException;
import io.wsbridge.process.Signals;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Every order in which a session can end, played with a fake child and a fake client on a loop whose clock
 * the test moves. Each asserts what the client is told (the close code, or nothing when it left first), the
 * signals the child's group gets, and that the pipes and the fork slot are each given back exactly once.
 */
class SessionEndingsTest {
    private static final ExitStatus OK = ExitStatus.exited(0);

    private static void assertReleasedOnce(SessionRig rig) {
        assertThat(rig.child.releases).as("pipes released").isEqualTo(1);
        assertThat(rig.forks.live()).as("fork slots held").isZero();
    }

    @Test
    void theClientIsLetInOnceTheProgramRuns() {
        SessionRig rig = new SessionRig();
        assertThat(rig.client.opens).as("no 101 while the process is being created").isZero();
        rig.spawn();
        assertThat(rig.client.opens).as("101 once it runs").isEqualTo(1);
        rig.prints("hi\n");
        assertThat(rig.client.messages).containsExactly("hi");
    }

    @Test
    void programExitsFirst() {
        SessionRig rig = new SessionRig().spawn();
        rig.clientSends("hello").prints("HELLO\n").closesOutput().exits(OK);

        assertThat(rig.child.stdin).hasToString("hello\n");
        assertThat(rig.client.messages).containsExactly("HELLO");
        assertThat(rig.client.closeCode).isEqualTo(1000);
        assertThat(rig.client.closeReason).isEqualTo("exit status 0");
        assertThat(rig.child.signals).isEmpty();
        assertReleasedOnce(rig);
        rig.clientCloses(1000); // the client's answer to our close frame changes nothing
        assertThat(rig.client.closes).isEqualTo(1);
        assertReleasedOnce(rig);
    }

    @Test
    void programFailsAndTheClientIsToldTheStatus() {
        SessionRig rig = new SessionRig().spawn();
        rig.prints("partial line without newline").exits(ExitStatus.exited(3));
        assertThat(rig.client.closes).as("output is still open: wait for it").isZero();
        rig.closesOutput();

        assertThat(rig.client.messages).containsExactly("partial line without newline");
        assertThat(rig.client.closeCode).isEqualTo(1011);
        assertThat(rig.client.closeReason).isEqualTo("exit status 3");
        assertReleasedOnce(rig);
    }

    @Test
    void clientClosesFirstAndTheProgramIgnoresPoliteSignals() {
        SessionRig rig = new SessionRig().spawn();
        rig.clientCloses(1000);
        assertThat(rig.child.stdinClosed).isTrue();
        assertThat(rig.client.closes).as("no close echoed to the client that closed").isZero();

        rig.advance(99);
        assertThat(rig.child.signals).isEmpty();
        rig.advance(1);
        assertThat(rig.child.signals).containsExactly("SIGINT");
        rig.advance(250);
        assertThat(rig.child.signals).containsExactly("SIGINT", "SIGTERM");
        rig.advance(500);
        assertThat(rig.child.signals).containsExactly("SIGINT", "SIGTERM", "SIGKILL");
        assertThat(rig.child.releases).as("not before it is reaped").isZero();
        assertThat(rig.forks.live()).isEqualTo(1);

        rig.exits(new ExitStatus(0, Signals.SIGKILL));
        assertReleasedOnce(rig);
        rig.advance(5000);
        assertThat(rig.child.signals).hasSize(3);
        assertReleasedOnce(rig);
    }

    @Test
    void clientClosesFirstAndTheProgramEndsOnSigint() {
        SessionRig rig = new SessionRig().spawn();
        rig.clientCloses(1001).advance(100);
        assertThat(rig.child.signals).containsExactly("SIGINT");
        rig.child.listener.stdoutClosed();
        rig.child.listener.stderrClosed();
        rig.exits(new ExitStatus(0, Signals.SIGINT));
        rig.advance(2000);

        assertThat(rig.child.signals).containsExactly("SIGINT");
        assertThat(rig.client.closes).isZero();
        assertThat(rig.client.messages).isEmpty();
        assertReleasedOnce(rig);
    }

    @Test
    void bothAtOnceClientFirst() {
        SessionRig rig = new SessionRig().spawn();
        rig.prints("late\n");
        rig.clientCloses(1000).closesOutput().exits(OK);

        assertThat(rig.client.closes).isZero();
        assertThat(rig.child.signals).isEmpty();
        assertReleasedOnce(rig);
    }

    @Test
    void bothAtOnceProgramFirst() {
        SessionRig rig = new SessionRig().spawn();
        rig.closesOutput().exits(OK).clientCloses(1000);

        assertThat(rig.client.closes).isEqualTo(1);
        assertThat(rig.client.closeCode).isEqualTo(1000);
        assertThat(rig.child.signals).isEmpty();
        assertReleasedOnce(rig);
    }

    @Test
    void programClosesItsOutputButLivesOn() {
        SessionRig rig = new SessionRig().spawn();
        rig.prints("bye\n").closesOutput();
        assertThat(rig.child.stdinClosed).isTrue();
        assertThat(rig.client.closes).as("not before it exits").isZero();

        rig.advance(100);
        assertThat(rig.child.signals).containsExactly("SIGINT");
        rig.exits(new ExitStatus(0, Signals.SIGINT));

        assertThat(rig.client.messages).containsExactly("bye");
        assertThat(rig.client.closeCode).isEqualTo(1011);
        assertThat(rig.client.closeReason).isEqualTo("killed by signal 2 (SIGINT)");
        assertReleasedOnce(rig);
    }

    @Test
    void somethingInItsGroupOutlivesIt() {
        SessionRig rig = new SessionRig().spawn();
        rig.closesOutput();
        rig.child.listener.exited(OK); // the leader is reaped, a background job of its group still runs
        assertThat(rig.client.closeCode).isEqualTo(1000);
        assertThat(rig.child.releases).isZero();
        assertThat(rig.forks.live()).as("the slot counts the reaped child only").isZero();

        rig.advance(100);
        assertThat(rig.child.signals).containsExactly("SIGINT");
        rig.child.groupAlive = false;
        rig.advance(250);
        assertThat(rig.child.signals).containsExactly("SIGINT");
        assertReleasedOnce(rig);
    }

    @Test
    void spawnFails() {
        SessionRig rig = new SessionRig();
        rig.spawnFailure = new LaunchException("No such file or directory");
        rig.clientSends("lost");
        rig.spawn();

        assertThat(rig.child).as("no process").isNull();
        assertThat(rig.client.opens).as("never let in: the close before the 101 becomes a 503").isZero();
        assertThat(rig.client.closeCode).isEqualTo(1011);
        assertThat(rig.client.closeReason).isEqualTo("cannot start program: No such file or directory");
        assertThat(rig.forks.live()).isZero();
        rig.clientCloses(1000).advance(5000);
        assertThat(rig.client.closes).isEqualTo(1);
        assertThat(rig.forks.live()).isZero();
    }

    @Test
    void serverShutsDownWhileTheProgramIsStarting() {
        SessionRig rig = new SessionRig();
        rig.clientSends("early");
        rig.clientCloses(1001); // SessionBridge.shutdown: 1001 to the client, the session hears of it
        rig.advance(100); // the ladder's first step comes before the process exists
        rig.spawn();

        assertThat(rig.child.stdin).as("early input was replayed, then stdin closed").hasToString("early\n");
        assertThat(rig.child.stdinClosed).isTrue();
        assertThat(rig.child.signals).containsExactly("SIGINT");
        rig.advance(250);
        assertThat(rig.child.signals).containsExactly("SIGINT", "SIGTERM");
        rig.exits(new ExitStatus(0, Signals.SIGTERM));
        assertThat(rig.client.closes).isZero();
        assertThat(rig.client.opens).as("a client that is gone is not let in").isZero();
        assertReleasedOnce(rig);
    }

    @Test
    void inputBeforeTheProcessRunsIsKeptInOrder() {
        SessionRig rig = new SessionRig();
        rig.clientSends("one").clientSends("two");
        rig.spawn().clientSends("three");
        assertThat(rig.child.stdin).hasToString("one\ntwo\nthree\n");
    }

    @Test
    void aClientThatCannotTakeMorePausesTheProgramsOutput() {
        SessionRig rig = new SessionRig().spawn();
        rig.client.writable = false;
        rig.prints("a\n");
        assertThat(rig.child.stdoutPaused).isTrue();
        rig.client.writable = true;
        rig.session.clientWritable();
        assertThat(rig.child.stdoutPaused).isFalse();
    }

    @Test
    void clientLeavesWhileTheReverseLookupRuns() {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.freezeTime();
        FakeClient client = new FakeClient(channel.eventLoop());
        CountDownLatch never = new CountDownLatch(1);
        ReverseLookup lookup = new ReverseLookup(address -> {
            never.await();
            return "late.example";
        }, 50);
        int[] abandoned = {0};
        List<String> started = new ArrayList<>();
        try {
            ClientEvents session = new StartAfterLookup(client, lookup, "127.0.0.1", host -> {
                started.add(host);
                return null;
            }, () -> abandoned[0]++);
            assertThat(client.readingPaused).as("nothing is read until the program can start").isTrue();
            ByteBuf early = Unpooled.copiedBuffer("early", StandardCharsets.UTF_8);
            session.clientMessage(early, false, true);
            session.clientClosed(1001, "gone");

            assertThat(early.refCnt()).as("held input is freed").isZero();
            assertThat(abandoned[0]).as("fork slot given back at once").isEqualTo(1);
            channel.advanceTimeBy(50, TimeUnit.MILLISECONDS);
            channel.runScheduledPendingTasks(); // the lookup's deadline: it answers with the address
            session.clientClosed(1000, "again");
            assertThat(started).as("no program for a client that left").isEmpty();
            assertThat(abandoned[0]).isEqualTo(1);
            assertThat(client.closes).isZero();
        } finally {
            lookup.shutdown();
        }
    }
}
