package io.wsbridge.rooms;

import static org.assertj.core.api.Assertions.assertThat;

import io.wsbridge.testing.Client;
import io.wsbridge.testing.ExternalServer;
import io.wsbridge.testing.Nginx;
import io.wsbridge.testing.RawWebSocket;
import io.wsbridge.testing.RedisServer;
import io.wsbridge.testing.Scripts;
import io.wsbridge.testing.Waits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * --roombus with real wsbridge processes (each its own JVM, so one can be killed with SIGKILL), a real redis-server
 * and real clients spread over the instances: one program per room across them (counted by the pids the program
 * writes), broadcast and addressed messages crossing instances, history across instances, takeover after the
 * owner is killed, recovery after Redis restarts (empty). A lease of 1 s keeps the takeovers short.
 */
@Timeout(180)
class RoomsAcrossInstancesTest {
    private static final String LEASE_MS = "1000";

    @TempDir
    Path dir;
    private RedisServer redis;
    private final List<ExternalServer> instances = new ArrayList<>();
    private final List<Client> clients = new ArrayList<>();

    @BeforeEach
    void startRedis() throws Exception {
        RedisServer.assumeInstalled("RoomsAcrossInstancesTest");
        redis = RedisServer.start(dir);
    }

    @AfterEach
    void stop() throws Exception {
        clients.forEach(Client::close);
        for (ExternalServer s : instances) {
            s.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    private ExternalServer instance(String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("--rooms", "--roombus=" + redis.url(), "--roombus-lease=" + LEASE_MS));
        all.addAll(List.of(args));
        ExternalServer s = ExternalServer.start(List.of("-Xmx64m", "-XX:+UseSerialGC"), all.toArray(new String[0]));
        instances.add(s);
        return s;
    }

    private Client client(ExternalServer s, String path) throws Exception {
        Client c = Client.connect(s.url(path));
        clients.add(c);
        return c;
    }

    /** A cat that notes its pid: the number of lines is the number of programs ever started for the room. */
    private Path countedCat() {
        return Scripts.sh(dir, "counted.sh", "echo $$ >> " + dir.resolve("pids") + "\nexec cat");
    }

    private List<String> pids() throws Exception {
        Path f = dir.resolve("pids");
        return Files.exists(f) ? Files.readAllLines(f) : List.of();
    }

    @Test
    void twoInstancesOneProgramMessagesCrossInOrderHistoryAndTakeoverAfterKill() throws Exception {
        Path cat = countedCat();
        ExternalServer a = instance("--roomhistory=3", cat.toString());
        ExternalServer b = instance("--roomhistory=3", cat.toString());
        Client a1 = client(a, "/chat");
        Waits.until(Duration.ofSeconds(10), () -> pidsQuietly().size() == 1, "the room's program starts");
        Client a2 = client(a, "/chat");
        Client b1 = client(b, "/chat");
        Client b2 = client(b, "/chat?x=1");
        List<Client> all = List.of(a1, a2, b1, b2);

        // Each client's messages reach everyone, on both instances, in the order sent.
        int n = 30;
        for (int i = 0; i < n; i++) {
            a1.send("a1 " + i);
            b1.send("b1 " + i);
        }
        List<String> seenByA1 = new ArrayList<>();
        for (Client c : all) {
            int nextA = 0;
            int nextB = 0;
            for (int k = 0; k < 2 * n; k++) {
                String m = c.nextText(10);
                if (c == a1) {
                    seenByA1.add(m);
                }
                if (m.startsWith("a1 ")) {
                    assertThat(m).isEqualTo("a1 " + nextA++);
                } else {
                    assertThat(m).isEqualTo("b1 " + nextB++);
                }
            }
            assertThat(nextA).isEqualTo(n);
            assertThat(nextB).isEqualTo(n);
        }
        assertThat(pids()).as("one program for the room across both instances").hasSize(1);

        // History (kept in Redis) for a client joining on the other instance: the last 3, then live.
        Client b3 = client(b, "/chat");
        assertThat(List.of(b3.nextText(10), b3.nextText(10), b3.nextText(10)))
                .isEqualTo(seenByA1.subList(2 * n - 3, 2 * n));
        b3.send("live");
        for (Client c : List.of(a1, a2, b1, b2, b3)) {
            assertThat(c.nextText(10)).isEqualTo("live");
        }

        // kill -9 the owner: b's clients stay connected; within two leases b runs a fresh program.
        a.process().destroyForcibly();
        long killed = System.nanoTime();
        Waits.until(Duration.ofSeconds(10), () -> pidsQuietly().size() == 2, "b starts a new program");
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
        assertThat(tookMs).as("takeover (ms)").isLessThan(2 * Long.parseLong(LEASE_MS));
        b1.send("after takeover");
        for (Client c : List.of(b1, b2, b3)) {
            assertThat(c.nextText(10)).isEqualTo("after takeover");
        }
        assertThat(b.output()).anyMatch(l -> l.contains("took the program over"));
    }

    private List<String> pidsQuietly() {
        try {
            return pids();
        } catch (Exception e) {
            return List.of();
        }
    }

    private static final String JSON_ROOM = String.join("\n",
            "import json, sys",
            "def out(o):",
            "    print(json.dumps(o), flush=True)",
            "for line in sys.stdin:",
            "    ev = json.loads(line)",
            "    who = ev['client']",
            "    if ev['event'] == 'join':",
            "        out({'to': who, 'data': 'welcome ' + who + ' on ' + ev.get('instance', '?')})",
            "    elif ev['event'] == 'message':",
            "        d = ev['data']",
            "        if d.startswith('to '):",
            "            target, text = d[3:].split(' ', 1)",
            "            out({'to': target, 'data': who + ' says ' + text})",
            "        else:",
            "            out({'except': who, 'data': who + ': ' + d})",
            "    elif ev['event'] == 'leave':",
            "        out({'data': 'left ' + who + ' from ' + ev.get('instance', '?')})");

    @Test
    void jsonEventsCarryTheInstanceAndAddressedMessagesCrossInstances() throws Exception {
        Path game = Scripts.python(dir, "game.py", JSON_ROOM);
        ExternalServer a = instance("--roomjson", game.toString());
        ExternalServer b = instance("--roomjson", game.toString());
        Client x = client(a, "/game");
        String[] wx = x.nextText(10).split(" ");
        Client y = client(b, "/game");
        String[] wy = y.nextText(10).split(" ");
        Client z = client(b, "/game");
        String[] wz = z.nextText(10).split(" ");
        assertThat(wx[3]).as("x's instance").isNotEqualTo(wy[3]);
        assertThat(wy[3]).as("y and z share an instance").isEqualTo(wz[3]);
        assertThat(wx[1]).startsWith(wx[3] + "-");

        x.send("to " + wz[1] + " psst");
        assertThat(z.nextText(10)).isEqualTo(wx[1] + " says psst");
        y.send("hello");
        assertThat(x.nextText(10)).isEqualTo(wy[1] + ": hello");
        assertThat(z.nextText(10)).isEqualTo(wy[1] + ": hello");
        assertThat(y.poll(300)).as("the sender is excluded, and y never saw the whisper").isNull();

        z.closeNormally();
        assertThat(x.nextText(10)).isEqualTo("left " + wz[1] + " from " + wz[3]);
        assertThat(y.nextText(10)).isEqualTo("left " + wz[1] + " from " + wz[3]);

        // When the last client anywhere leaves, the program ends and its lease goes at once (not at its expiry):
        // the next client, on any instance, starts a new program without waiting.
        x.closeNormally();
        y.closeNormally();
        Waits.until(Duration.ofSeconds(10), () -> "*0".equals(redisQuietly("KEYS wsbridge:room:{/game}:lease")),
                "the lease is released");
    }

    private String redisQuietly(String command) {
        try {
            return redis.command(command);
        } catch (Exception e) {
            return null;
        }
    }

    @Test
    void aRoomFullAcrossTheInstancesRefusesWith429BeforeAny101() throws Exception {
        ExternalServer a = instance("--roommaxclients=2", "cat");
        ExternalServer b = instance("--roommaxclients=2", "cat");
        client(a, "/full");
        Client b1 = client(b, "/full");
        // The third client, on either instance, waits for the cluster's count (off the event loop) and gets 429.
        RawWebSocket.HttpReply third = RawWebSocket.tryUpgrade(b.port(), "/full", Map.of());
        assertThat(third.status()).isEqualTo(429);
        assertThat(third.body()).isEqualTo("429 Too Many Requests: the room is full\n");
        // The log line is read from the server's output by another thread: it may come just after the reply.
        b.awaitOutput("Room /full is full across the instances, upgrade rejected", 10);
        assertThat(RawWebSocket.tryUpgrade(a.port(), "/full", Map.of()).status()).isEqualTo(429);

        b1.closeNormally();
        Waits.until(Duration.ofSeconds(10), () -> {
            try {
                return RawWebSocket.tryUpgrade(a.port(), "/full", Map.of()).status() == 101;
            } catch (Exception e) {
                return false;
            }
        }, "a place frees up on the other instance after b1 leaves");
    }

    @Test
    void redisLostAndBackWhileClientsStayConnected() throws Exception {
        Path cat = countedCat();
        ExternalServer a = instance(cat.toString());
        ExternalServer b = instance(cat.toString());
        Client a1 = client(a, "/r");
        Waits.until(Duration.ofSeconds(10), () -> pidsQuietly().size() == 1, "the program starts on a");
        Client b1 = client(b, "/r");
        b1.send("before");
        assertThat(a1.nextText(10)).isEqualTo("before");
        assertThat(b1.nextText(10)).isEqualTo("before");

        redis.kill();
        Waits.until(Duration.ofSeconds(10), () -> b.output().stream().anyMatch(l -> l.contains("Room bus lost")),
                "b notices");
        // a runs the program: its clients go on; joining the room on b is refused until Redis is back.
        a1.send("owner side");
        assertThat(a1.nextText(10)).isEqualTo("owner side");
        assertThat(RawWebSocket.tryUpgrade(b.port(), "/r", Map.of()).status()).isEqualTo(503);
        assertThat(RawWebSocket.tryUpgrade(a.port(), "/r", Map.of()).status()).isEqualTo(101);

        redis.restart();
        Waits.until(Duration.ofSeconds(15), () -> b.output().stream().anyMatch(l -> l.contains("Room bus back")),
                "b reconnects");
        // b's client reaches the program again (messages sent while Redis was away are dropped, so retry).
        Waits.until(Duration.ofSeconds(15), () -> {
            try {
                b1.send("again");
                String got = b1.poll(500) instanceof Client.Text t ? t.text() : null;
                return "again".equals(got);
            } catch (Exception e) {
                return false;
            }
        }, "b1's messages reach the program and come back");
        assertThat(pids()).as("the same program throughout").hasSize(1);
        assertThat(b.output().stream().filter(l -> l.contains("Room bus lost")).count()).isEqualTo(1);
        assertThat(b.output().stream().filter(l -> l.contains("Room bus back")).count()).isEqualTo(1);
    }

    @Test
    void threeInstancesBehindNginxThenARollingRestartOfTheOwner() throws Exception {
        Nginx.assumeInstalled("RoomsAcrossInstancesTest.threeInstancesBehindNginx");
        Path cat = Scripts.sh(dir, "named.sh", "echo $$ >> " + dir.resolve("pids") + "\nexec cat");
        List<ExternalServer> three = List.of(instance(cat.toString()), instance(cat.toString()),
                instance(cat.toString()));
        try (Nginx nginx = Nginx.start(dir, three.stream().map(ExternalServer::port).toList())) {
            // Six clients through nginx (round robin: two on each instance), all in one room.
            List<Client> all = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                all.add(client(nginx.port(), "/room"));
            }
            for (ExternalServer s : three) {
                Waits.until(Duration.ofSeconds(10), () -> s.output().stream().filter(l -> l.contains("CONNECT")).count() == 2,
                        "two clients on each instance");
            }
            for (int i = 0; i < 6; i++) {
                all.get(i).send("from " + i);
                for (Client c : all) {
                    assertThat(c.nextText(10)).isEqualTo("from " + i);
                }
            }
            assertThat(pids()).as("one program for the room across three instances").hasSize(1);

            // SIGTERM the owner (a rolling restart): its clients get 1001 through nginx; it hands the room over
            // at once, so another instance runs a fresh program without waiting for the lease to run out.
            ExternalServer owner = three.stream().filter(s -> s.output().stream()
                    .anyMatch(l -> l.contains("its program runs on this instance"))).findFirst().orElseThrow();
            List<Client> ownersClients = new ArrayList<>();
            for (Client c : all) {
                c.send("who");
            }
            owner.signal("TERM");
            long stopped = System.nanoTime();
            assertThat(owner.awaitExit(20)).isZero();
            Waits.until(Duration.ofSeconds(10), () -> pidsQuietly().size() == 2, "another instance takes over");
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopped)).isLessThan(
                    Long.parseLong(LEASE_MS) + 5000);
            List<Client> survivors = new ArrayList<>();
            for (Client c : all) {
                Client.Event e;
                while ((e = c.poll(2000)) instanceof Client.Text) {
                    // the "who" echoes, from before the restart
                }
                if (e instanceof Client.Closed closed) {
                    assertThat(closed.code()).isEqualTo(1001);
                    ownersClients.add(c);
                } else {
                    survivors.add(c);
                }
            }
            assertThat(ownersClients).hasSize(2);
            assertThat(survivors).hasSize(4);
            survivors.get(0).send("after the restart");
            for (Client c : survivors) {
                assertThat(c.nextText(10)).isEqualTo("after the restart");
            }
        }
    }

    private Client client(int port, String path) throws Exception {
        Client c = Client.connect("ws://127.0.0.1:" + port + path);
        clients.add(c);
        return c;
    }

    @Test
    void redisUnreachableAtStartIsAClearError() throws Exception {
        int closed = RedisServer.freePort();
        ExternalServer s = ExternalServer.launch(List.of(), List.of("--port=" + ExternalServer.freePort(),
                "--address=127.0.0.1", "--rooms", "--roombus=redis://:secret@127.0.0.1:" + closed, "cat"));
        instances.add(s);
        assertThat(s.awaitExit(30)).isNotZero();
        assertThat(String.join("\n", s.output())).contains("Can't reach the room bus at redis://127.0.0.1:" + closed)
                .doesNotContain("secret");
    }
}
