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
}
