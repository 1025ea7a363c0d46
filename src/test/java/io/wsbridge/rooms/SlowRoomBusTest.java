package io.wsbridge.rooms;

import static org.assertj.core.api.Assertions.assertThat;

import io.wsbridge.testing.ExternalServer;
import io.wsbridge.testing.RawWebSocket;
import io.wsbridge.testing.RedisServer;
import io.wsbridge.testing.Waits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * --roombus with Redis slow but connected (CLIENT PAUSE: every command waits, nothing fails): a client joining a
 * room run on another instance waits for its admission, and meanwhile the other connections of its event loop go
 * on. Instance b runs one event loop (-Dwsbridge.threads=1), so its echo client and the joining client share it;
 * the echo's room runs on b itself and needs no Redis round trip. Before admission was asynchronous, the loop
 * waited for the answer: every echo stalled for the pause (or for the 5 s deadline).
 */
@Timeout(120)
class SlowRoomBusTest {
    /** An echo during the wait may take this long at most (under load); a blocked loop takes the whole pause. */
    private static final long MAX_ECHO_MS = 1000;

    @TempDir
    Path dir;
    private RedisServer redis;
    private final List<AutoCloseable> open = new ArrayList<>();
    private ExternalServer a;
    private ExternalServer b;
    private RawWebSocket a1;
    private RawWebSocket echo;

    @BeforeEach
    void start() throws Exception {
        RedisServer.assumeInstalled("SlowRoomBusTest");
        redis = RedisServer.start(dir);
        a = server(List.of());
        b = server(List.of("-Dwsbridge.threads=1"));
        a1 = client(a, "/chat"); // a runs /chat's program
        roundTrip(a1, "a1 is in");
        echo = client(b, "/echo"); // b runs /echo's program
        roundTrip(echo, "echo is in");
    }

    @AfterEach
    void stop() throws Exception {
        Collections.reverse(open);
        for (AutoCloseable c : open) {
            c.close();
        }
        if (redis != null) {
            redis.command("CLIENT UNPAUSE");
            redis.close();
        }
    }

    private ExternalServer server(List<String> jvm) throws Exception {
        List<String> options = new ArrayList<>(List.of("-Xmx64m", "-XX:+UseSerialGC"));
        options.addAll(jvm);
        // A lease far longer than the pauses: Redis's clock runs on while it is paused, and a lapsed lease would
        // mean a takeover, not what is tested here.
        ExternalServer s = ExternalServer.start(options, "--rooms", "--roombus=" + redis.url(), "--roombus-lease=30000",
                "cat");
        open.add(s);
        return s;
    }

    private RawWebSocket client(ExternalServer s, String path) throws Exception {
        RawWebSocket c = RawWebSocket.connect(s.port(), path);
        open.add(c);
        return c;
    }

    private static long roundTrip(RawWebSocket c, String text) throws Exception {
        long t0 = System.nanoTime();
        c.sendText(text);
        assertThat(c.readMessage(Duration.ofSeconds(10)).text()).isEqualTo(text);
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    }

    /**
     * Echoes on b until {@code joining} has its answer, one every 20 ms or so (the wait for the answer paces them);
     * none may take long.
     */
    private void echoesStayQuickWhile(CompletableFuture<?> joining) throws Exception {
        List<Long> times = new ArrayList<>();
        for (int i = 0; i < 2000 && !joining.isDone(); i++) {
            times.add(roundTrip(echo, "ping " + i));
            try {
                joining.get(20, TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException e) {
                // not answered yet (or failed: the test's get says how)
            }
        }
        Collections.sort(times);
        long slowest = times.get(times.size() - 1);
        System.out.printf("SlowRoomBusTest: %d echoes during the wait, median %d ms, slowest %d ms%n", times.size(),
                times.get(times.size() / 2), slowest);
        assertThat(slowest).as("slowest echo on the same loop while the join waited (ms)").isLessThan(MAX_ECHO_MS);
        assertThat(times).as("echoes during the wait").hasSizeGreaterThan(5);
    }

    private long members(String room) throws Exception {
        return Long.parseLong(redis.command("HLEN wsbridge:room:{" + room + "}:mi").substring(1));
    }

    @Test
    void whileRedisIsSlowTheJoiningClientWaitsAndTheLoopsOtherConnectionsGoOn() throws Exception {
        assertThat(redis.command("CLIENT PAUSE 3000 ALL")).isEqualTo("+OK");
        long t0 = System.nanoTime();
        CompletableFuture<RawWebSocket> joining = CompletableFuture.supplyAsync(() -> {
            try {
                return client(b, "/chat"); // run on a: its admission is a round trip to Redis
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        echoesStayQuickWhile(joining);
        RawWebSocket joiner = joining.get(20, TimeUnit.SECONDS);
        long joinMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        System.out.printf("SlowRoomBusTest: the 101 came after %d ms (Redis paused 3000 ms)%n", joinMs);
        assertThat(joinMs).as("the admission waited for Redis").isGreaterThanOrEqualTo(2000);

        a1.sendText("hello across");
        assertThat(joiner.readMessage(Duration.ofSeconds(10)).text()).isEqualTo("hello across");
        assertThat(members("/chat")).isEqualTo(2);
    }

    @Test
    void noAnswerWithinTheDeadlineIs503AndTheLateAdmissionIsCountedOut() throws Exception {
        RawWebSocket b1 = client(b, "/chat"); // b follows /chat: the joiner's admission goes to Redis at once
        assertThat(members("/chat")).isEqualTo(2);
        assertThat(redis.command("CLIENT PAUSE 7000 ALL")).isEqualTo("+OK");
        long t0 = System.nanoTime();
        CompletableFuture<RawWebSocket.HttpReply> joining = CompletableFuture.supplyAsync(() -> {
            try {
                return RawWebSocket.tryUpgrade(b.port(), "/chat", Map.of());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        echoesStayQuickWhile(joining);
        RawWebSocket.HttpReply reply = joining.get(20, TimeUnit.SECONDS);
        long refusedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        System.out.printf("SlowRoomBusTest: 503 after %d ms (Redis paused 7000 ms, deadline 5000 ms)%n", refusedMs);
        assertThat(reply.status()).isEqualTo(503);
        assertThat(reply.body()).isEqualTo("503 Service Unavailable: the room bus is out of reach\n");
        assertThat(refusedMs).as("refused at the deadline").isBetween(4500L, 7000L);

        // Once Redis answers, it admits the client that was refused meanwhile; b counts it out again. b's commands
        // go in order on one connection: once b1's message came back through Redis, the admission was answered.
        assertThat(roundTrip(b1, "after the pause")).isLessThan(10_000);
        Waits.until(Duration.ofSeconds(15), () -> {
            try {
                return members("/chat") == 2;
            } catch (Exception e) {
                return false;
            }
        }, () -> "the refused client is counted out (members: " + quietly(() -> members("/chat")) + ")");
        a1.sendText("still here");
        assertThat(b1.readMessage(Duration.ofSeconds(10)).text()).isEqualTo("still here");
        assertThat(b.output()).anyMatch(l -> l.contains("runs on another instance and the room bus is out of reach, "
                + "upgrade rejected"));
    }

    private interface Check {
        Object get() throws Exception;
    }

    private static Object quietly(Check c) {
        try {
            return c.get();
        } catch (Exception e) {
            return e.toString();
        }
    }
}
