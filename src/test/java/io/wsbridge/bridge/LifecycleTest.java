package io.wsbridge.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.wsbridge.testing.Client;
import io.wsbridge.testing.RawWebSocket;
import io.wsbridge.testing.Scripts;
import io.wsbridge.testing.TestServer;
import io.wsbridge.testing.Waits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** How children start and end: the signal ladder, process trees, failures to start, --maxforks. */
@Timeout(60)
class LifecycleTest {
    @TempDir
    Path dir;

    /** A child that traps INT and TERM (logging when each arrives) and keeps running until killed. */
    private Path stubbornChild() {
        return Scripts.sh(dir, "stubborn.sh", """
                log=%s
                trap 'echo "INT $(date +%%s%%N)" >> $log' INT
                trap 'echo "TERM $(date +%%s%%N)" >> $log' TERM
                echo $$ > %s
                echo ready
                while :; do sleep 0.02; done
                """.formatted(dir.resolve("signals.log"), dir.resolve("pid")));
    }

    private long signalOffsetMs(List<String> log, String signal, long closedAtMs) {
        return log.stream().filter(l -> l.startsWith(signal + " ")).findFirst()
                .map(l -> Long.parseLong(l.substring(signal.length() + 1)) / 1_000_000 - closedAtMs)
                .orElseThrow(() -> new AssertionError(signal + " never arrived: " + log));
    }

    @Test
    void clientCloseRunsTheLadderIntTermKill() throws Exception {
        try (TestServer server = TestServer.start(stubbornChild().toString());
             Client client = Client.connect(server.url("/"))) {
            assertThat(client.nextText(10)).isEqualTo("ready");
            long pid = Long.parseLong(Files.readString(dir.resolve("pid")).trim());
            long closedAt = System.currentTimeMillis();
            client.closeNormally();
            Waits.until(Duration.ofSeconds(5), () -> ProcessHandle.of(pid).isEmpty(), "child killed");
            long goneAfter = System.currentTimeMillis() - closedAt;
            List<String> log = Files.readAllLines(dir.resolve("signals.log"));
            long intAt = signalOffsetMs(log, "INT", closedAt);
            long termAt = signalOffsetMs(log, "TERM", closedAt);
            assertThat(intAt).as("SIGINT offset").isBetween(60L, 700L);
            assertThat(termAt).as("SIGTERM offset").isBetween(300L, 1300L).isGreaterThan(intAt);
            assertThat(goneAfter).as("SIGKILL offset").isGreaterThanOrEqualTo(800L);
            Waits.until(Duration.ofSeconds(5), () -> server.liveChildren() == 0, "fork slot released");
        }
    }

    @Test
    void closemsDelaysEveryStep() throws Exception {
        try (TestServer server = TestServer.start("--closems=300", stubbornChild().toString());
             Client client = Client.connect(server.url("/"))) {
            assertThat(client.nextText(10)).isEqualTo("ready");
            long pid = Long.parseLong(Files.readString(dir.resolve("pid")).trim());
            long closedAt = System.currentTimeMillis();
            client.closeNormally();
            Waits.until(Duration.ofSeconds(8), () -> ProcessHandle.of(pid).isEmpty(), "child killed");
            long goneAfter = System.currentTimeMillis() - closedAt;
            List<String> log = Files.readAllLines(dir.resolve("signals.log"));
            assertThat(signalOffsetMs(log, "INT", closedAt)).isBetween(360L, 1100L);
            assertThat(signalOffsetMs(log, "TERM", closedAt)).isBetween(900L, 2000L);
            assertThat(goneAfter).isGreaterThanOrEqualTo(1700L);
        }
    }

    @Test
    void childThatEndsOnStdinEofGetsNoSignal() throws Exception {
        Path script = Scripts.sh(dir, "polite.sh", """
                trap 'echo INT >> %1$s' INT
                trap 'echo TERM >> %1$s' TERM
                echo ready
                cat > /dev/null
                echo "clean exit" >> %1$s
                """.formatted(dir.resolve("polite.log")));
        // SIGINT would follow 100 ms + --closems after end of input: 2 s of it, so that a loaded machine (which
        // took over 100 ms to run the script's last two commands) does not decide the outcome.
        try (TestServer server = TestServer.start("--closems=2000", script.toString());
             Client client = Client.connect(server.url("/"))) {
            assertThat(client.nextText(10)).isEqualTo("ready");
            client.closeNormally();
            Waits.until(Duration.ofSeconds(5), () -> server.liveChildren() == 0, "child reaped");
            assertThat(Files.readAllLines(dir.resolve("polite.log"))).containsExactly("clean exit");
        }
    }

    @Test
    void theWholeProcessTreeEndsWhenTheClientLeaves() throws Exception {
        Path script = Scripts.sh(dir, "tree.sh", """
                sleep 1000 &
                echo $! > %s
                sh -c 'sleep 1000' &
                echo $! > %s
                echo ready
                exec cat
                """.formatted(dir.resolve("grandchild1"), dir.resolve("grandchild2")));
        try (TestServer server = TestServer.start(script.toString());
             Client client = Client.connect(server.url("/"))) {
            assertThat(client.nextText(10)).isEqualTo("ready");
            long g1 = Long.parseLong(Files.readString(dir.resolve("grandchild1")).trim());
            long g2 = Long.parseLong(Files.readString(dir.resolve("grandchild2")).trim());
            assertThat(ProcessHandle.of(g1)).isPresent();
            client.close(); // abrupt: TCP reset, no close frame
            Waits.until(Duration.ofSeconds(5),
                    () -> ProcessHandle.of(g1).isEmpty() && ProcessHandle.of(g2).isEmpty(), "grandchildren gone");
        }
    }

    @Test
    void grandchildrenLeftBehindByAChildThatExitedAreEndedToo() throws Exception {
        Path script = Scripts.sh(dir, "daemonizes.sh", """
                sleep 1000 > /dev/null &
                echo $! > %s
                echo bye
                """.formatted(dir.resolve("orphan")));
        try (TestServer server = TestServer.start(script.toString());
             Client client = Client.connect(server.url("/"))) {
            assertThat(client.nextText(10)).isEqualTo("bye");
            assertThat(client.awaitClose(10).code()).isEqualTo(1000);
            long orphan = Long.parseLong(Files.readString(dir.resolve("orphan")).trim());
            Waits.until(Duration.ofSeconds(5), () -> ProcessHandle.of(orphan).isEmpty(), "orphan ended");
        }
    }

    @Test
    void childThatCannotStartGets503AndAReasonBeforeThe101() throws Exception {
        Path script = Scripts.sh(dir, "noexec.sh", "echo never");
        try (TestServer server = TestServer.start(script.toString())) {
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rw-r--r--"));
            RawWebSocket.HttpReply refused = RawWebSocket.tryUpgrade(server.port(), "/", java.util.Map.of());
            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.body()).isEqualTo("503 Service Unavailable: cannot start program: Permission denied\n");
            assertThat(server.liveChildren()).isZero();
        }
    }

    @Test
    void maxforksRefusesUpgradesWith429UntilAChildIsGone() throws Exception {
        try (TestServer server = TestServer.start("--maxforks=1", "cat")) {
            try (Client first = Client.connect(server.url("/"))) {
                first.send("x");
                assertThat(first.nextText(10)).isEqualTo("x");
                RawWebSocket.HttpReply refused = RawWebSocket.tryUpgrade(server.port(), "/", java.util.Map.of());
                assertThat(refused.status()).isEqualTo(429);
                assertThat(refused.body()).isEqualTo("429 Too Many Requests\n");
                first.closeNormally();
                first.awaitClose(10);
            }
            Waits.until(Duration.ofSeconds(5), () -> server.liveChildren() == 0, "first child reaped");
            try (Client again = Client.connect(server.url("/"))) {
                again.send("y");
                assertThat(again.nextText(10)).isEqualTo("y");
            }
        }
    }

    @Test
    void childClosingStdoutButLivingOnIsEnded() throws Exception {
        Path script = Scripts.sh(dir, "closes-stdout.sh", """
                echo last words
                exec >&-
                sleep 1000
                """);
        try (TestServer server = TestServer.start(script.toString());
             Client client = Client.connect(server.url("/"))) {
            assertThat(client.nextText(10)).isEqualTo("last words");
            Client.Closed closed = client.awaitClose(10);
            assertThat(closed.code()).isEqualTo(1011);
            assertThat(closed.reason()).contains("SIGINT");
            Waits.until(Duration.ofSeconds(5), () -> server.liveChildren() == 0, "child reaped");
        }
    }
}
