package io.wsbridge.roombus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wsbridge.testing.LogCapture;
import io.wsbridge.testing.RedisServer;
import io.wsbridge.testing.Waits;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bus at its interface, against a real redis-server: several bus instances in one JVM, each with a fake room
 * that records what it is told. A short lease (900 ms) keeps takeovers quick.
 */
@Timeout(120)
class RoomBusTest {
    private static final long LEASE = 900;
    private static final Duration WAIT = Duration.ofSeconds(15);

    @TempDir
    Path dir;
    private RedisServer redis;
    private final List<RoomBus> buses = new ArrayList<>();

    @BeforeEach
    void startRedis() throws Exception {
        RedisServer.assumeInstalled("RoomBusTest");
        redis = RedisServer.start(dir);
    }

    @AfterEach
    void stop() throws Exception {
        for (RoomBus b : buses) {
            b.abandon();
        }
        if (redis != null) {
            redis.close();
        }
    }

    private RoomBus bus() throws Exception {
        RoomBus b = RoomBus.connect(new BusSettings(BusAddress.parse(redis.url(), null), LEASE, 100_000, 100_000));
        buses.add(b);
        return b;
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static boolean owner(BusRoom r) throws Exception {
        return r.isOwner().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    private static void admit(BusRoom r, String client) throws Exception {
        assertThat(r.admit(client, b("join " + client), b("leave " + client), 0).toCompletableFuture()
                .get(5, TimeUnit.SECONDS)).isEqualTo(Admission.ADMITTED);
        r.joined(client);
    }

    @Test
    void oneProgramPerRoomAndEveryonesMessagesReachItInOrder() throws Exception {
        List<Recorder> rec = List.of(new Recorder(), new Recorder(), new Recorder());
        List<BusRoom> rooms = new ArrayList<>();
        for (Recorder r : rec) {
            rooms.add(bus().open("/chat", 0, r));
        }
        for (int i = 0; i < 3; i++) {
            admit(rooms.get(i), "c" + i);
        }
        Waits.until(WAIT, () -> rec.stream().mapToLong(r -> r.count("owner")).sum() == 1, "one owner");
        int o = rec.get(0).count("owner") == 1 ? 0 : rec.get(1).count("owner") == 1 ? 1 : 2;
        Recorder owner = rec.get(o);
        Waits.until(WAIT, () -> owner.with("in:join ").size() == 3, "the owner's program hears three joins");
        assertThat(owner.with("in:join ")).containsExactlyInAnyOrder("c0", "c1", "c2");

        int n = 500;
        for (int k = 0; k < n; k++) {
            for (int i = 0; i < 3; i++) {
                rooms.get(i).send("c" + i, b("c" + i + " " + k));
            }
        }
        Waits.until(WAIT, () -> owner.with("in:c").size() == 3 * n, "all messages reach the program");
        for (int i = 0; i < 3; i++) {
            String prefix = "c" + i + " ";
            List<String> mine = owner.with("in:" + prefix);
            assertThat(mine).hasSize(n);
            for (int k = 0; k < n; k++) {
                assertThat(mine.get(k)).isEqualTo(String.valueOf(k));
            }
        }

        for (int k = 0; k < 300; k++) {
            rooms.get(o).publish(b("line " + k), k % 2 == 0);
        }
        for (int i = 0; i < 3; i++) {
            if (i == o) {
                continue;
            }
            Recorder r = rec.get(i);
            Waits.until(WAIT, () -> r.outputs().size() == 300, "the other instances get the output");
            for (int k = 0; k < 300; k++) {
                assertThat(r.events).contains((k % 2 == 0 ? "hout:" : "out:") + "line " + k);
                assertThat(r.outputs().get(k)).isEqualTo("line " + k);
            }
        }
        assertThat(owner.outputs()).as("the owner delivers its own output itself").isEmpty();

        // A client leaves on a follower: its leave event reaches the program.
        int f = (o + 1) % 3;
        rooms.get(f).leave("c" + f);
        Waits.until(WAIT, () -> owner.events.contains("in:leave c" + f), "the leave reaches the program");
    }

    /** The keys in Redis that would stay for ever (PTTL -1). */
    private List<String> keysWithoutExpiry() {
        try {
            List<String> forever = new ArrayList<>();
            for (String k : redis.keys("wsbridge:*")) {
                if (":-1".equals(redis.command("PTTL " + k))) {
                    forever.add(k);
                }
            }
            return forever;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * Nothing the bus writes stays in Redis for ever: while a room runs its owner keeps its keys alive, so a room
     * whose instances were all killed (or that ended) goes away by itself, whatever its path.
     */
    @Test
    void everyKeyTheBusWritesHasAnExpiry() throws Exception {
        Recorder ownerRec = new Recorder();
        BusRoom owner = bus().open("/k", 10, ownerRec);
        admit(owner, "o1");
        Waits.until(WAIT, () -> ownerRec.count("owner") == 1, "owner");
        Recorder followerRec = new Recorder();
        BusRoom follower = bus().open("/k", 10, followerRec);
        admit(follower, "f1");
        follower.send("f1", b("hello"));
        for (int k = 0; k < 5; k++) {
            owner.publish(b("line " + k), true);
        }
        Waits.until(WAIT, () -> followerRec.outputs().size() == 5, "the follower gets the output");
        Waits.until(WAIT, () -> ownerRec.events.contains("in:hello"), "the follower's message reaches the owner");
        assertThat(redis.keys("wsbridge:room:*")).as("the room's keys").hasSizeGreaterThanOrEqualTo(6);
        Waits.until(WAIT, () -> keysWithoutExpiry().isEmpty(), () -> "keys without expiry: " + keysWithoutExpiry());

        follower.leave("f1");
        owner.ended(0, "bye");
        Waits.until(WAIT, () -> followerRec.count("end:0 bye") == 1, "the follower hears the end");
        Waits.until(WAIT, () -> keysWithoutExpiry().isEmpty(), () -> "keys without expiry: " + keysWithoutExpiry());
        for (String k : redis.keys("wsbridge:room:*")) {
            long ttl = Long.parseLong(redis.command("PTTL " + k).substring(1));
            assertThat(ttl).as("%s outlives the room by at most a minute or ten leases", k)
                    .isBetween(-2L, Math.max(60_000, 10 * LEASE));
        }
    }

    @Test
    void historyIsKeptInRedisAndAJoinerSeesNothingMissingOrDoubledAtTheSeam() throws Exception {
        Recorder ownerRec = new Recorder();
        BusRoom owner = bus().open("/h", 50, ownerRec);
        admit(owner, "o1");
        Waits.until(WAIT, () -> ownerRec.count("owner") == 1, "owner");
        for (int k = 0; k < 100; k++) {
            owner.publish(b(Integer.toString(k)), true);
        }
        // Publishing is asynchronous: the history is in Redis before the joiner comes, or it could find none.
        Waits.until(WAIT, () -> {
            try {
                return ":50".equals(redis.command("LLEN wsbridge:room:{/h}:hist"));
            } catch (java.io.IOException e) {
                return false;
            }
        }, "the first 100 broadcasts (the last 50 kept) in Redis");
        // While the owner keeps broadcasting, a new instance opens the room.
        Thread broadcaster = new Thread(() -> {
            for (int k = 100; k < 3000; k++) {
                owner.publish(b(Integer.toString(k)), true);
            }
        });
        RoomBus late = bus();
        broadcaster.start();
        Recorder lateRec = new Recorder();
        late.open("/h", 50, lateRec);
        broadcaster.join(10_000);
        Waits.until(WAIT, () -> lateRec.history != null && lateRec.outputs().contains("2999"), "the joiner catches up");
        List<String> seen = new ArrayList<>(lateRec.history);
        seen.addAll(lateRec.outputs());
        assertThat(lateRec.history).hasSizeLessThanOrEqualTo(50).isNotEmpty();
        int first = Integer.parseInt(seen.get(0));
        for (int i = 0; i < seen.size(); i++) {
            assertThat(seen.get(i)).as("entry %d after the seam", i).isEqualTo(Integer.toString(first + i));
        }
        assertThat(first + seen.size() - 1).isEqualTo(2999);
    }

    @Test
    void maxClientsIsCountedAcrossInstances() throws Exception {
        Recorder ra = new Recorder();
        Recorder rb = new Recorder();
        BusRoom a = bus().open("/full", 0, ra);
        BusRoom bRoom = bus().open("/full", 0, rb);
        for (String c : List.of("a1", "a2")) {
            assertThat(a.admit(c, b(""), b(""), 3).toCompletableFuture().get(5, TimeUnit.SECONDS))
                    .isEqualTo(Admission.ADMITTED);
        }
        assertThat(bRoom.admit("b1", b(""), b(""), 3).toCompletableFuture().get(5, TimeUnit.SECONDS))
                .isEqualTo(Admission.ADMITTED);
        assertThat(bRoom.admit("b2", b(""), b(""), 3).toCompletableFuture().get(5, TimeUnit.SECONDS))
                .isEqualTo(Admission.FULL);
        assertThat(a.admit("a3", b(""), b(""), 3).toCompletableFuture().get(5, TimeUnit.SECONDS))
                .isEqualTo(Admission.FULL);
        a.leave("a1");
        Waits.until(WAIT, () -> {
            try {
                return bRoom.admit("b3", b(""), b(""), 3).toCompletableFuture().get(5, TimeUnit.SECONDS)
                        == Admission.ADMITTED;
            } catch (Exception e) {
                return false;
            }
        }, "a place frees up after a leave");
    }

    @Test
    void whenTheOwnerIsKilledAnotherInstanceTakesOverWithinTwoLeases() throws Exception {
        Recorder ra = new Recorder();
        RoomBus busA = bus();
        BusRoom a = busA.open("/k", 10, ra);
        admit(a, "a1");
        Waits.until(WAIT, () -> ra.count("owner") == 1, "a owns the room");
        a.publish(b("kept"), true);
        Recorder rb = new Recorder();
        BusRoom bRoom = bus().open("/k", 10, rb);
        admit(bRoom, "b1");
        Waits.until(WAIT, () -> ra.events.contains("in:join b1"), "a's program hears b1");
        assertThat(rb.count("owner")).isZero();

        busA.abandon(); // as kill -9: no goodbye to Redis
        long killed = System.nanoTime();
        Waits.until(WAIT, () -> rb.count("owner") == 1, "b takes over");
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
        assertThat(tookMs).as("takeover time (ms)").isLessThan(2 * LEASE);
        assertThat(rb.history).containsExactly("kept");
        // The fresh program first hears of b1 (and of a1 at most until a1's instance is found dead).
        Waits.until(WAIT, () -> rb.events.contains("in:join b1"), "the new program hears b1 join");
        bRoom.send("b1", b("after takeover"));
        Waits.until(WAIT, () -> rb.events.contains("in:after takeover"), "b1's messages reach the new program");
        if (rb.events.contains("in:join a1")) {
            Waits.until(WAIT, () -> rb.events.contains("in:leave a1"), "a1 is found gone");
        }
    }

    @Test
    void aPausedOwnerIsFencedOffAndItsLateOutputReachesNobody() throws Exception {
        Recorder ra = new Recorder();
        RoomBus busA = bus();
        BusRoom a = busA.open("/p", 0, ra);
        admit(a, "a1");
        Waits.until(WAIT, () -> ra.count("owner") == 1, "a owns the room");
        Recorder rb = new Recorder();
        BusRoom bRoom = bus().open("/p", 0, rb);
        admit(bRoom, "b1");
        Waits.until(WAIT, () -> ra.events.contains("in:join b1"), "a's program hears b1");

        // Freeze a's bus thread (as a GC pause or SIGSTOP would) for three leases.
        CountDownLatch resume = new CountDownLatch(1);
        busA.loop.execute(() -> {
            try {
                resume.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        a.publish(b("late output"), false); // queued behind the pause
        Waits.until(WAIT, () -> rb.count("owner") == 1, "b takes over while a is paused");
        resume.countDown();
        Waits.until(WAIT, () -> ra.count("lost") == 1, "a learns it lost the room");
        bRoom.publish(b("from b"), false);
        Waits.until(WAIT, () -> ra.outputs().contains("from b"), "a's clients now get b's output");
        assertThat(rb.outputs()).doesNotContain("late output");
        // a's client is a member of b's program now.
        a.send("a1", b("from a1"));
        Waits.until(WAIT, () -> rb.events.contains("in:from a1"), "a's clients talk to b's program");
        assertThat(rb.with("in:join a1")).hasSize(1);
    }

    @Test
    void redisLostAndBack() throws Exception {
        Recorder ra = new Recorder();
        Recorder rb = new Recorder();
        RoomBus busA = bus();
        BusRoom a = busA.open("/r", 0, ra);
        admit(a, "a1");
        Waits.until(WAIT, () -> ra.count("owner") == 1, "a owns the room");
        RoomBus busB = bus();
        BusRoom bRoom = busB.open("/r", 0, rb);
        admit(bRoom, "b1");
        Waits.until(WAIT, () -> ra.events.contains("in:join b1"), "a's program hears b1");

        try (LogCapture logs = LogCapture.of("roombus")) {
            redis.kill();
            Waits.until(WAIT, () -> !busA.connected() && !busB.connected(), "both see Redis gone");
            // The owner's own clients go on; a join to the room run elsewhere is refused.
            a.send("a1", b("while down"));
            Waits.until(WAIT, () -> ra.events.contains("in:while down"), "the owner's clients still talk to it");
            assertThat(bRoom.admit("b2", b(""), b(""), 0).toCompletableFuture().get(5, TimeUnit.SECONDS))
                    .isEqualTo(Admission.UNAVAILABLE);
            bRoom.send("b1", b("lost while down"));
            // While it is down, the back-off runs several rounds: neither threads nor heap may grow.
            Thread.sleep(500);
            List<String> threadsEarly = threadNames();
            long heapEarly = usedHeapAfterGc();
            for (int i = 0; i < 2000; i++) {
                bRoom.send("b1", b("dropped " + i));
                a.publish(b("not forwarded " + i), true);
            }
            Thread.sleep(3000);
            assertThat(threadNames().size()).as("threads while Redis is down (earlier: %s)", threadsEarly)
                    .isLessThanOrEqualTo(threadsEarly.size());
            assertThat(usedHeapAfterGc() - heapEarly).as("heap growth while Redis is down").isLessThan(4 << 20);
            assertThat(logs.lines().stream().filter(l -> l.startsWith("Room bus lost")).count()).isEqualTo(2);

            redis.restart(); // empty: every key is gone
            Waits.until(WAIT, () -> busA.connected() && busB.connected(), "both reconnect");
            Waits.until(WAIT, () -> logs.lines().stream().filter(l -> l.startsWith("Room bus back")).count() == 2,
                    "one line each when it is back");
            assertThat(logs.lines().stream().filter(l -> l.startsWith("Room bus lost")).count()).isEqualTo(2);
        }
        // a took its lease back; b's clients reach a's program again, b gets a's output.
        bRoom.send("b1", b("after restart"));
        Waits.until(WAIT, () -> ra.events.contains("in:after restart"), "b's clients reach the program again");
        a.publish(b("out after restart"), false);
        Waits.until(WAIT, () -> rb.outputs().contains("out after restart"), "a's output reaches b again");
        assertThat(ra.count("owner")).isEqualTo(1);
        assertThat(ra.count("lost")).isZero();
        assertThat(rb.count("owner")).isZero();
        assertThat(ra.with("in:join b1")).as("b1's re-registration is not a second join").hasSize(1);
        assertThat(ra.events).doesNotContain("in:lost while down");
        // A new client on b counts again.
        admit(bRoom, "b2");
        Waits.until(WAIT, () -> ra.events.contains("in:join b2"), "joins work again");
    }

    private static List<String> threadNames() {
        List<String> names = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            names.add(t.getName());
        }
        names.sort(null);
        return names;
    }

    private static long usedHeapAfterGc() {
        System.gc();
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }

    @Test
    void theProgramsEndReachesTheOtherInstances() throws Exception {
        Recorder ra = new Recorder();
        BusRoom a = bus().open("/e", 0, ra);
        admit(a, "a1");
        Waits.until(WAIT, () -> ra.count("owner") == 1, "a owns the room");
        Recorder rb = new Recorder();
        BusRoom bRoom = bus().open("/e", 0, rb);
        admit(bRoom, "b1");
        a.publish(b("bye"), false);
        a.ended(1011, "exit status 3");
        Waits.until(WAIT, () -> rb.events.contains("end:1011 exit status 3"), "b hears the end");
        assertThat(rb.outputs()).containsExactly("bye");
        a.close();
        bRoom.close();
        // The next client anywhere starts a new program.
        Recorder rc = new Recorder();
        BusRoom c = bus().open("/e", 0, rc);
        admit(c, "c1");
        Waits.until(WAIT, () -> rc.count("owner") == 1, "a new program starts");
        Waits.until(WAIT, () -> rc.events.contains("in:join c1"), "c1 joins it");
        // b's close is asynchronous: if the new program started before b1 was unregistered, it hears b1 join and
        // then leave; either way nobody stays in it who is not there.
        if (rc.events.contains("in:join b1")) {
            Waits.until(WAIT, () -> rc.events.contains("in:leave b1"), "b1 leaves the new program too");
        }
        assertThat(rc.with("in:join ")).contains("c1").doesNotContain("a1");
    }

    @Test
    void aFollowerThatPausesGetsTheOutputLaterInOrder() throws Exception {
        Recorder ra = new Recorder();
        BusRoom a = bus().open("/slow", 0, ra);
        admit(a, "a1");
        Waits.until(WAIT, () -> ra.count("owner") == 1, "a owns the room");
        Recorder rb = new Recorder();
        BusRoom bRoom = bus().open("/slow", 0, rb);
        admit(bRoom, "b1");
        Waits.until(WAIT, () -> ra.events.contains("in:join b1"), "b is in");
        bRoom.pauseOutput();
        assertThat(bRoom.isOwner().toCompletableFuture().get(5, TimeUnit.SECONDS)).isFalse(); // the pause is in
        for (int k = 0; k < 50; k++) {
            a.publish(b("line " + k), false);
        }
        Thread.sleep(500); // nothing may arrive while paused: a bounded look
        assertThat(rb.outputs()).isEmpty();
        bRoom.resumeOutput();
        Waits.until(WAIT, () -> rb.outputs().size() == 50, "everything arrives after the pause");
        for (int k = 0; k < 50; k++) {
            assertThat(rb.outputs().get(k)).isEqualTo("line " + k);
        }
    }

    @Test
    void aRoomOpenedAgainWhileItsProgramEndsTakesTheLeaseAsSoonAsItIsReleased() throws Exception {
        RoomBus slow = RoomBus.connect(new BusSettings(BusAddress.parse(redis.url(), null), 6000, 100_000, 100_000));
        buses.add(slow);
        Recorder first = new Recorder();
        BusRoom r1 = slow.open("/again", 0, first);
        admit(r1, "c1");
        Waits.until(WAIT, () -> first.count("owner") == 1, "the first program");
        Recorder second = new Recorder();
        BusRoom r2 = slow.open("/again", 0, second); // a client came back while the program was ending
        r1.ended(1000, "");
        r1.close();
        long ended = System.nanoTime();
        Waits.until(WAIT, () -> second.count("owner") == 1, "the second program");
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - ended)).as("not at the next tick (2 s)")
                .isLessThan(1500);
        admit(r2, "c2");
        Waits.until(WAIT, () -> second.events.contains("in:join c2"), "it works");
    }

    @Test
    void unreachableAtStartNamesTheUrlButNotThePassword() throws Exception {
        int port = RedisServer.freePort();
        assertThatThrownBy(() -> RoomBus.connect(BusSettings.defaults(
                BusAddress.parse("redis://:s3cret@127.0.0.1:" + port + "/2", null))))
                .isInstanceOf(BusUnavailableException.class)
                .hasMessageContaining("redis://127.0.0.1:" + port + "/2")
                .hasMessageNotContaining("s3cret");
    }

    @Test
    void passwordFromAFile() throws Exception {
        RedisServer secured = RedisServer.start(dir, "--requirepass", "pw-from-file");
        try {
            Path file = Files.writeString(dir.resolve("password"), "pw-from-file\n");
            RoomBus ok = RoomBus.connect(BusSettings.defaults(BusAddress.parse(secured.url(), file)));
            buses.add(ok);
            assertThat(ok.connected()).isTrue();
            Path wrong = Files.writeString(dir.resolve("wrong"), "nope\n");
            assertThatThrownBy(() -> RoomBus.connect(BusSettings.defaults(BusAddress.parse(secured.url(), wrong))))
                    .isInstanceOf(BusUnavailableException.class)
                    .hasMessageContaining(secured.url())
                    .hasMessageNotContaining("nope");
        } finally {
            secured.close();
        }
    }
}
