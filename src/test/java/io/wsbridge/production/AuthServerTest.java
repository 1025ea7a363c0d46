package io.wsbridge.production;

import static org.assertj.core.api.Assertions.assertThat;

import io.wsbridge.testing.ExternalServer;
import io.wsbridge.testing.LogCapture;
import io.wsbridge.testing.RawHttp;
import io.wsbridge.testing.RawWebSocket;
import io.wsbridge.testing.Scripts;
import io.wsbridge.testing.TestServer;
import io.wsbridge.testing.Waits;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * --basicauth and --tokenfile against the real server: refused requests start nothing, whatever they ask for
 * (upgrade, static file, CGI, dev console); let in, the program learns who (AUTH_TYPE, REMOTE_USER) and never
 * the secret; a token in the URL is gone from QUERY_STRING, REQUEST_URI and the log; the files are re-read.
 */
@Timeout(120)
class AuthServerTest {
    // libxcrypt's crypt("s3cret", "$2y$05$abcdefghijklmnopqrstuu")
    static final String ALICE = "alice:$2y$05$abcdefghijklmnopqrstuuLK7U1u6pVRmL7L1BBM2aS35PSZnDXlK\n";
    static final String BOB = "bob:{SHA}GpHWL3ymc5liWkNopqtdSjuqYHM=\n"; // "pw"
    static final String TOKEN = "robot-token-0123456789";

    @TempDir
    static Path dir;
    static Path started;
    static Path users;
    static Path tokens;
    static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        started = dir.resolve("started");
        users = dir.resolve("users");
        Files.writeString(users, "# test users\n" + ALICE + BOB);
        tokens = dir.resolve("tokens");
        Files.writeString(tokens, "robot:" + TOKEN + "\n");
        Path www = Files.createDirectories(dir.resolve("www"));
        Files.writeString(www.resolve("index.txt"), "static\n");
        Path cgi = Files.createDirectories(dir.resolve("cgi"));
        Scripts.sh(cgi, "who.sh", "printf 'Content-Type: text/plain\\r\\n\\r\\n'; echo \"cgi $AUTH_TYPE $REMOTE_USER\"");
        Path program = Scripts.sh(dir, "env.sh", "echo started >> '" + started + "'\n"
                + "echo \"AUTH_TYPE=$AUTH_TYPE\"; echo \"REMOTE_USER=$REMOTE_USER\"; echo \"QUERY_STRING=$QUERY_STRING\"\n"
                + "echo \"REQUEST_URI=$REQUEST_URI\"; echo \"AUTHORIZATION=${HTTP_AUTHORIZATION-unset}\"\n"
                + "echo \"PROTOCOL=$WEBSOCKET_PROTOCOL\"");
        server = TestServer.start("--basicauth=" + users, "--tokenfile=" + tokens, "--authrealm=test realm",
                "--subprotocol=chat", "--staticdir=" + www, "--cgidir=" + cgi, program.toString());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    static Map<String, String> upgradeHeaders(String... pairs) {
        Map<String, String> h = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            h.put(pairs[i], pairs[i + 1]);
        }
        return h;
    }

    /** The program's lines, as NAME=value. */
    static Map<String, String> programSees(int port, String path, Map<String, String> headers) throws Exception {
        Map<String, String> seen = new LinkedHashMap<>();
        try (RawWebSocket ws = RawWebSocket.connect(port, path, headers, 0)) {
            seen.put("101 Sec-WebSocket-Protocol", String.valueOf(ws.handshake().header("Sec-WebSocket-Protocol")));
            while (true) {
                RawWebSocket.Frame f = ws.readMessage(Duration.ofSeconds(10));
                if (f == null || f.opcode() == RawWebSocket.CLOSE) {
                    return seen;
                }
                String line = f.text();
                seen.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
            }
        }
    }

    @Test
    void refusedUpgradesAre401WithAChallengeStartNothingAndLogTheReasonButNoSecret() throws Exception {
        long before = startedSoFar();
        try (LogCapture log = LogCapture.of("http")) {
            RawWebSocket.HttpReply none = RawWebSocket.tryUpgrade(server.port(), "/", Map.of());
            RawWebSocket.HttpReply wrong = RawWebSocket.tryUpgrade(server.port(), "/",
                    upgradeHeaders("Authorization", basic("alice", "not-her-password")));
            RawWebSocket.HttpReply unknown = RawWebSocket.tryUpgrade(server.port(), "/",
                    upgradeHeaders("Authorization", basic("mallory", "s3cret")));
            RawWebSocket.HttpReply badToken = RawWebSocket.tryUpgrade(server.port(), "/?token=guessed-token-000000",
                    Map.of());
            for (RawWebSocket.HttpReply r : List.of(none, wrong, unknown, badToken)) {
                assertThat(r.status()).isEqualTo(401);
            }
            assertThat(none.header("WWW-Authenticate")).as("both challenges")
                    .contains("Basic realm=\"test realm\", charset=\"UTF-8\"").contains("Bearer realm=\"test realm\"");
            Waits.until(Duration.ofSeconds(5), () -> lines(log).size() >= 4, "four access lines");
            String lines = String.join("\n", lines(log));
            assertThat(lines).contains("AUTH REFUSED: no credentials", "AUTH REFUSED: wrong password for user 'alice'",
                    "AUTH REFUSED: unknown user 'mallory'", "AUTH REFUSED: unknown token")
                    .doesNotContain("not-her-password").doesNotContain("guessed-token");
        }
        assertThat(startedSoFar()).as("no program was started for a refused upgrade").isEqualTo(before);
    }

    /** The captured lines; LogCapture's list may be appended to while it is read, so a clash is read again. */
    private static List<String> lines(LogCapture log) {
        for (int attempt = 0; ; attempt++) {
            try {
                return log.lines();
            } catch (java.util.ConcurrentModificationException e) {
                if (attempt == 100) {
                    throw e;
                }
            }
        }
    }

    private static long startedSoFar() throws Exception {
        return Files.exists(started) ? Files.readAllLines(started).size() : 0;
    }

    @Test
    void aBasicUserReachesTheProgramAsRemoteUserWithoutTheSecret() throws Exception {
        Map<String, String> alice = programSees(server.port(), "/", upgradeHeaders("Authorization",
                basic("alice", "s3cret"), "Sec-WebSocket-Protocol", "chat"));
        assertThat(alice).containsEntry("AUTH_TYPE", "Basic").containsEntry("REMOTE_USER", "alice")
                .containsEntry("AUTHORIZATION", "unset");
        Map<String, String> bob = programSees(server.port(), "/", upgradeHeaders("Authorization", basic("bob", "pw"),
                "Sec-WebSocket-Protocol", "chat"));
        assertThat(bob).containsEntry("REMOTE_USER", "bob");
    }

    @Test
    void aTokenInTheUrlLeavesQueryStringRequestUriAndTheLog() throws Exception {
        try (LogCapture log = LogCapture.of("http", "session")) {
            Map<String, String> seen = programSees(server.port(), "/chat?a=1&token=" + TOKEN + "&b=2",
                    upgradeHeaders("Sec-WebSocket-Protocol", "chat"));
            assertThat(seen).containsEntry("AUTH_TYPE", "Bearer").containsEntry("REMOTE_USER", "robot")
                    .containsEntry("QUERY_STRING", "a=1&b=2").containsEntry("REQUEST_URI", "/chat?a=1&b=2");
            Waits.until(Duration.ofSeconds(5), () -> !lines(log).isEmpty(), "a log line");
            assertThat(String.join("\n", lines(log))).contains("/chat?a=1&b=2").doesNotContain(TOKEN);
        }
    }

    @Test
    void aTokenOfferedAsSubprotocolIsTakenAndNeverEchoed() throws Exception {
        Map<String, String> seen = programSees(server.port(), "/", upgradeHeaders("Sec-WebSocket-Protocol",
                "bearer." + TOKEN + ", chat"));
        assertThat(seen).containsEntry("REMOTE_USER", "robot").containsEntry("PROTOCOL", "chat")
                .containsEntry("101 Sec-WebSocket-Protocol", "chat");
        Map<String, String> header = programSees(server.port(), "/", upgradeHeaders("Authorization",
                "Bearer " + TOKEN, "Sec-WebSocket-Protocol", "chat"));
        assertThat(header).containsEntry("AUTH_TYPE", "Bearer").containsEntry("AUTHORIZATION", "unset");
    }

    @Test
    void staticFilesAndCgiNeedItToo() throws Exception {
        assertThat(RawHttp.get(server.port(), "/index.txt").status()).isEqualTo(401);
        assertThat(RawHttp.get(server.port(), "/who.sh").status()).isEqualTo(401);
        assertThat(RawHttp.get(server.port(), "/index.txt", "Authorization: " + basic("alice", "s3cret")).text())
                .isEqualTo("static\n");
        assertThat(RawHttp.get(server.port(), "/who.sh?token=" + TOKEN).text()).isEqualTo("cgi Bearer robot\n");
    }

    @Test
    void aChangedFileIsSeenWithoutARestart() throws Exception {
        Path ownTokens = dir.resolve("changing-tokens");
        Files.writeString(ownTokens, "old-token-0123456789\n");
        try (TestServer own = TestServer.start("--tokenfile=" + ownTokens, "--staticdir=" + dir.resolve("www"))) {
            assertThat(RawHttp.get(own.port(), "/index.txt?token=old-token-0123456789").status()).isEqualTo(200);
            Files.writeString(ownTokens, "# rotated\nnew-token-0123456789\n");
            Waits.until(Duration.ofSeconds(10), () -> status(own.port(), "/index.txt?token=new-token-0123456789")
                    == 200, "the new token accepted");
            assertThat(RawHttp.get(own.port(), "/index.txt?token=old-token-0123456789").status()).isEqualTo(401);
            Files.writeString(ownTokens, "short\n"); // broken: the last good version stays
            Thread.sleep(1100); // past the once-a-second look at the file; nothing to wait for but time
            assertThat(RawHttp.get(own.port(), "/index.txt?token=new-token-0123456789").status()).isEqualTo(200);
        }
    }

    private static int status(int port, String target) {
        try {
            return RawHttp.get(port, target).status();
        } catch (Exception e) {
            return -1;
        }
    }

    @Test
    void sighupReReadsTheFilesAndConnectionsInFlightGoOn() throws Exception {
        Path ownUsers = dir.resolve("hup-users");
        Files.writeString(ownUsers, BOB);
        Path echo = Scripts.sh(dir, "echo.sh", "exec cat");
        try (ExternalServer s = ExternalServer.start(List.of(), "--basicauth=" + ownUsers, echo.toString());
             RawWebSocket bob = RawWebSocket.connect(s.port(), "/", upgradeHeaders("Authorization",
                     basic("bob", "pw")), 0)) {
            assertThat(RawWebSocket.tryUpgrade(s.port(), "/", upgradeHeaders("Authorization",
                    basic("alice", "s3cret"))).status()).isEqualTo(401);
            Files.writeString(ownUsers, ALICE); // bob is gone, alice arrives
            s.signal("HUP");
            Waits.until(Duration.ofSeconds(10), () -> s.output().stream().anyMatch(l -> l.contains("(SIGHUP)")),
                    "the re-read logged");
            assertThat(RawWebSocket.tryUpgrade(s.port(), "/", upgradeHeaders("Authorization",
                    basic("alice", "s3cret"))).status()).isEqualTo(101);
            assertThat(RawWebSocket.tryUpgrade(s.port(), "/", upgradeHeaders("Authorization",
                    basic("bob", "pw"))).status()).isEqualTo(401);
            bob.sendText("still here");
            assertThat(bob.readMessage(Duration.ofSeconds(10)).text()).as("the connection made before SIGHUP")
                    .isEqualTo("still here");
            assertThat(s.process().isAlive()).isTrue();
        }
    }

    @Test
    void anUnusableFileStopsStartUpNamingTheLine() throws Exception {
        Path plain = dir.resolve("plain-users");
        Files.writeString(plain, "# ok\nalice:s3cret\n");
        ExternalServer s = ExternalServer.launch(List.of(), List.of("--port=0", "--address=127.0.0.1",
                "--basicauth=" + plain, "cat"));
        assertThat(s.awaitExit(20)).isEqualTo(1);
        assertThat(String.join("\n", s.output())).contains(plain + ":2: user 'alice': plaintext or crypt() "
                + "passwords are not accepted").doesNotContain("Starting WebSocket server");
    }
}
