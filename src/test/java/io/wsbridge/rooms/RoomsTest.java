package io.wsbridge.rooms;

import static org.assertj.core.api.Assertions.assertThat;

import io.wsbridge.testing.Client;
import io.wsbridge.testing.RawWebSocket;
import io.wsbridge.testing.Scripts;
import io.wsbridge.testing.TestServer;
import io.wsbridge.testing.Waits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** --rooms with real programs and real clients. */
@Timeout(60)
class RoomsTest {
    @TempDir
    Path tmp;

    @Test
    void aShellLoopIsAChatForThreeClients() throws Exception {
        Path chat = Scripts.sh(tmp, "chat.sh", "while read -r line; do echo \"$line\"; done");
        try (TestServer server = TestServer.start("--rooms", chat.toString());
             Client a = Client.connect(server.url("/lobby"));
             Client b = Client.connect(server.url("/lobby?name=b"));
             Client c = Client.connect(server.url("/lobby"))) {
            a.send("hello from a");
            for (Client each : List.of(a, b, c)) {
                assertThat(each.nextText(10)).isEqualTo("hello from a");
            }
            b.send("hi, b here");
            c.send("c too");
            for (Client each : List.of(a, b, c)) {
                List<String> got = List.of(each.nextText(10), each.nextText(10));
                assertThat(got).containsExactlyInAnyOrder("hi, b here", "c too");
            }
            assertThat(server.liveChildren()).as("one program for the room").isEqualTo(1);
        }
    }

    @Test
    void roomsAreSeparateAndTheQueryIsNotPartOfTheRoom() throws Exception {
        try (TestServer server = TestServer.start("--rooms", "/bin/cat");
             Client a = Client.connect(server.url("/one?x=1"));
             Client b = Client.connect(server.url("/one?x=2"));
             Client other = Client.connect(server.url("/two"))) {
            a.send("to one");
            assertThat(b.nextText(10)).isEqualTo("to one");
            assertThat(a.nextText(10)).isEqualTo("to one");
            other.send("to two");
            assertThat(other.nextText(10)).isEqualTo("to two");
            b.send("again");
            assertThat(a.nextText(10)).as("/two's message never reached /one").isEqualTo("again");
            assertThat(server.liveChildren()).isEqualTo(2);
        }
    }

    @Test
    void programExitClosesEveryClientAndTheNextClientStartsANewProgram() throws Exception {
        Path once = Scripts.sh(tmp, "once.sh", "read -r line; echo \"got $line\"; exit 3");
        try (TestServer server = TestServer.start("--rooms", once.toString());
             Client a = Client.connect(server.url("/r"));
             Client b = Client.connect(server.url("/r"))) {
            a.send("x");
            assertThat(a.nextText(10)).isEqualTo("got x");
            assertThat(b.nextText(10)).isEqualTo("got x");
            assertThat(a.awaitClose(10)).isEqualTo(new Client.Closed(1011, "exit status 3"));
            assertThat(b.awaitClose(10)).isEqualTo(new Client.Closed(1011, "exit status 3"));
            Waits.until(Duration.ofSeconds(10), () -> server.liveChildren() == 0, "the program to be reaped");
            try (Client next = Client.connect(server.url("/r"))) {
                next.send("y");
                assertThat(next.nextText(10)).isEqualTo("got y");
                assertThat(next.awaitClose(10).code()).isEqualTo(1011);
            }
        }
    }

    @Test
    void messagesSentBeforeTheProgramRunsAreNotLost() throws Exception {
        Path slow = Scripts.sh(tmp, "slow.sh", "sleep 0.3; exec cat");
        try (TestServer server = TestServer.start("--rooms", slow.toString());
             Client a = Client.connect(server.url("/r"))) {
            a.send("first").send("second");
            assertThat(a.nextText(10)).isEqualTo("first");
            assertThat(a.nextText(10)).isEqualTo("second");
        }
    }

    @Test
    void aFullRoomRefusesWith429BeforeAny101() throws Exception {
        try (TestServer server = TestServer.start("--rooms", "--roommaxclients=2", "/bin/cat");
             Client a = Client.connect(server.url("/r"));
             Client b = Client.connect(server.url("/r"))) {
            RawWebSocket.HttpReply third = RawWebSocket.tryUpgrade(server.port(), "/r", Map.of());
            assertThat(third.status()).isEqualTo(429);
            try (Client elsewhere = Client.connect(server.url("/other"))) {
                elsewhere.send("fine");
                assertThat(elsewhere.nextText(10)).isEqualTo("fine");
            }
            b.close();
            Waits.until(Duration.ofSeconds(10), () -> {
                try {
                    RawWebSocket.HttpReply r = RawWebSocket.tryUpgrade(server.port(), "/r", Map.of());
                    return r.status() == 101;
                } catch (Exception e) {
                    return false;
                }
            }, "a place in the room once b left");
        }
    }

    @Test
    void maxforksCountsRoomsNotClients() throws Exception {
        try (TestServer server = TestServer.start("--rooms", "--maxforks=1", "/bin/cat")) {
            List<Client> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 5; i++) {
                    clients.add(Client.connect(server.url("/same")));
                }
                assertThat(RawWebSocket.tryUpgrade(server.port(), "/different", Map.of()).status()).isEqualTo(429);
                clients.get(4).send("all five");
                for (Client c : clients) {
                    assertThat(c.nextText(10)).isEqualTo("all five");
                }
            } finally {
                clients.forEach(Client::close);
            }
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
            "        out({'to': who, 'data': 'welcome ' + who + ' ' + ev['query'] + ' ' + str(bool(ev['remote']))})",
            "        out({'except': who, 'data': 'joined ' + who})",
            "    elif ev['event'] == 'message':",
            "        d = ev['data']",
            "        if d.startswith('kick '):",
            "            out({'close': d[5:], 'code': 4000, 'reason': 'kicked'})",
            "        elif d == 'raw':",
            "            print('not json {at all', flush=True)",
            "        elif d.startswith('both '):",
            "            out({'to': [who, d[5:]], 'data': {'n': 1}})",
            "        else:",
            "            out({'data': who + ': ' + d})",
            "    elif ev['event'] == 'leave':",
            "        out({'data': 'left ' + who})");

    @Test
    void aRoomJsonProgramAnswersOneClientExcludesTheSenderAndKicks() throws Exception {
        Path game = Scripts.python(tmp, "game.py", JSON_ROOM);
        try (TestServer server = TestServer.start("--rooms", "--roomjson", game.toString());
             Client a = Client.connect(server.url("/game?team=red"))) {
            String welcomeA = a.nextText(10);
            assertThat(welcomeA).startsWith("welcome ").endsWith(" team=red True");
            String idA = welcomeA.split(" ")[1];
            // The program's "joined <a>" (to everyone but a) follows a's welcome: b could join between the two
            // and get it first. a's own message comes back after it, so then b's first line is its welcome.
            a.send("first");
            assertThat(a.nextText(10)).isEqualTo(idA + ": first");
            try (Client b = Client.connect(server.url("/game"))) {
                String welcomeB = b.nextText(10);
                String idB = welcomeB.split(" ")[1];
                assertThat(idB).isNotEqualTo(idA);
                assertThat(a.nextText(10)).as("everyone but the newcomer").isEqualTo("joined " + idB);

                a.send("hi");
                assertThat(a.nextText(10)).isEqualTo(idA + ": hi");
                assertThat(b.nextText(10)).isEqualTo(idA + ": hi");

                a.send("raw");
                assertThat(a.nextText(10)).as("a line that is not routable goes to all unchanged")
                        .isEqualTo("not json {at all");
                assertThat(b.nextText(10)).isEqualTo("not json {at all");

                b.send("both " + idA);
                assertThat(a.nextText(10)).as("data that is not a string arrives as its JSON").isEqualTo("{\"n\": 1}");
                assertThat(b.nextText(10)).isEqualTo("{\"n\": 1}");

                a.send("kick " + idB);
                assertThat(b.awaitClose(10)).isEqualTo(new Client.Closed(4000, "kicked"));
                assertThat(a.nextText(10)).isEqualTo("left " + idB);
            }
        }
    }

    @Test
    void historyThenLiveMessagesWithNothingMissingOrDoubledAtTheSeam() throws Exception {
        try (TestServer server = TestServer.start("--rooms", "--roomhistory=5", "/bin/cat");
             Client a = Client.connect(server.url("/h"))) {
            for (int i = 1; i <= 20; i++) {
                a.send(Integer.toString(i));
            }
            for (int i = 1; i <= 20; i++) {
                assertThat(a.nextText(10)).isEqualTo(Integer.toString(i));
            }
            Thread sender = new Thread(() -> {
                try {
                    for (int i = 21; i <= 400; i++) {
                        a.send(Integer.toString(i));
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            sender.start(); // broadcasts go on while b joins
            try (Client b = Client.connect(server.url("/h"))) {
                List<Integer> got = new ArrayList<>();
                while (got.isEmpty() || got.get(got.size() - 1) < 400) {
                    got.add(Integer.parseInt(b.nextText(10)));
                }
                sender.join(10_000);
                int first = got.get(0);
                assertThat(first).as("at most the last 5 before it joined").isGreaterThanOrEqualTo(16);
                for (int i = 0; i < got.size(); i++) {
                    assertThat(got.get(i)).as("message %d of b's %s", i, got).isEqualTo(first + i);
                }
            }
        }
    }

    @Test
    void theProgramLingersForAClientThatComesBackThenEnds() throws Exception {
        Path counted = Scripts.sh(tmp, "counted.sh", "echo started; exec cat");
        try (TestServer server = TestServer.start("--rooms", "--roomlinger=1500", counted.toString())) {
            try (Client a = Client.connect(server.url("/l"))) {
                assertThat(a.nextText(10)).isEqualTo("started");
            }
            try (Client b = Client.connect(server.url("/l"))) {
                b.send("still the same program");
                assertThat(b.nextText(10)).as("no second 'started'").isEqualTo("still the same program");
                assertThat(server.liveChildren()).isEqualTo(1);
            }
            assertThat(server.liveChildren()).as("lingering").isEqualTo(1);
            Waits.until(Duration.ofSeconds(10), () -> server.liveChildren() == 0, "the program to end after linger");
            try (Client c = Client.connect(server.url("/l"))) {
                assertThat(c.nextText(10)).as("a new program").isEqualTo("started");
            }
        }
    }

    @Test
    void withoutLingerTheProgramEndsWithItsLastClient() throws Exception {
        try (TestServer server = TestServer.start("--rooms", "/bin/cat")) {
            try (Client a = Client.connect(server.url("/x"))) {
                a.send("1");
                assertThat(a.nextText(10)).isEqualTo("1");
            }
            Waits.until(Duration.ofSeconds(10), () -> server.liveChildren() == 0, "cat to end with its last client");
        }
    }

    @Test
    void dirRoomsAreTheScriptPathPlusPathInfoAndTheProgramKnowsItsRoom() throws Exception {
        Path dir = java.nio.file.Files.createDirectories(tmp.resolve("scripts"));
        Scripts.sh(dir, "chat.sh", "echo \"room=$ROOM script=$SCRIPT_NAME info=$PATH_INFO remote=${REMOTE_ADDR-none}"
                + " query=${QUERY_STRING-none}\"; exec cat");
        try (TestServer server = TestServer.start("--rooms", "--roomhistory=1", "--dir=" + dir);
             Client a = Client.connect(server.url("/chat.sh/blue?me=a"));
             Client b = Client.connect(server.url("/chat.sh/green"))) {
            assertThat(a.nextText(10))
                    .isEqualTo("room=/chat.sh/blue script=/chat.sh info=/blue remote=none query=none");
            assertThat(b.nextText(10))
                    .isEqualTo("room=/chat.sh/green script=/chat.sh info=/green remote=none query=none");
            try (Client a2 = Client.connect(server.url("/chat.sh/blue"))) {
                assertThat(a2.nextText(10)).as("history: the room's first line").startsWith("room=/chat.sh/blue ");
                a2.send("blue only");
                assertThat(a.nextText(10)).isEqualTo("blue only");
            }
            assertThat(server.liveChildren()).isEqualTo(2);
        }
    }

    private static final Path EXAMPLES = Path.of("examples/chat").toAbsolutePath();

    @Test
    void theChatExamplesWork() throws Exception {
        try (TestServer server = TestServer.start("--rooms", "--roomhistory=50", EXAMPLES.resolve("chat.sh").toString());
             Client a = Client.connect(server.url("/lobby"));
             Client b = Client.connect(server.url("/lobby"))) {
            a.send("ann: hi");
            assertThat(b.nextText(10)).isEqualTo("ann: hi");
            assertThat(a.nextText(10)).isEqualTo("ann: hi");
        }
        try (TestServer server = TestServer.start("--rooms", "--roomjson", EXAMPLES.resolve("room.py").toString());
             Client a = Client.connect(server.url("/lobby"))) {
            String welcome = a.nextText(10);
            String idA = welcome.replaceAll(".*you are (\\S+);.*", "$1");
            // room.py prints a's welcome and then "* <a> joined" (to everyone but a): b may join between the
            // two and rightly get that line first. The answer to a's /who comes after both, so once a has it,
            // a's join is behind us and b's first line is its own welcome.
            a.send("/who");
            assertThat(a.nextText(10)).isEqualTo("* here: " + idA + " (" + idA + ")");
            try (Client b = Client.connect(server.url("/lobby"))) {
                assertThat(b.nextText(10)).startsWith("* welcome, you are ");
                assertThat(a.nextText(10)).endsWith(" joined");
                b.send("/name bob");
                assertThat(a.nextText(10)).endsWith(" is now bob");
                assertThat(b.nextText(10)).endsWith(" is now bob");
                b.send("/msg " + idA + " psst");
                assertThat(a.nextText(10)).isEqualTo("(private) bob: psst");
                assertThat(b.nextText(10)).isEqualTo("(private) bob: psst");
                a.send("hello all");
                assertThat(b.nextText(10)).isEqualTo(idA + ": hello all");
            }
            assertThat(a.nextText(10)).isEqualTo(idA + ": hello all");
            assertThat(a.nextText(10)).isEqualTo("* bob left");
        }
    }
}
