package io.wsbridge.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.wsbridge.cli.ConfigParser;
import io.wsbridge.testing.RawWebSocket;
import io.wsbridge.testing.Scripts;
import io.wsbridge.testing.TestServer;
import io.wsbridge.testing.Waits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** --passstderr: both streams as tagged JSON messages, each in order, escaped, bounded, with backpressure. */
@Timeout(60)
class PassStderrTest {
    private static final String OUT = "{\"stream\":\"stdout\",\"data\":\"";
    private static final String ERR = "{\"stream\":\"stderr\",\"data\":\"";

    @TempDir
    Path dir;

    /** Every text message until the close frame (which must come), in arrival order. */
    private static List<String> allMessages(RawWebSocket ws) throws Exception {
        List<String> out = new ArrayList<>();
        while (true) {
            RawWebSocket.Frame f = ws.readMessage(Duration.ofSeconds(10));
            assertThat(f).as("close frame after %s", out).isNotNull();
            if (f.opcode() == RawWebSocket.CLOSE) {
                assertThat(f.closeCode()).isEqualTo(1000);
                return out;
            }
            assertThat(f.opcode()).isEqualTo(RawWebSocket.TEXT);
            out.add(f.text());
        }
    }

    private static List<String> stream(List<String> messages, String prefix) {
        return messages.stream().filter(m -> m.startsWith(prefix)).toList();
    }

    @Test
    void bothStreamsAsTaggedJsonLinesInOrderAndStillLogged() throws Exception {
        Path script = Scripts.sh(dir, "both.sh", """
                echo out1
                echo err1 >&2
                printf 'q"uo\\tte\\\\ back\\n'
                printf 'bad \\377 byte\\r\\n' >&2
                printf 'ctl \\001 x\\033[0m\\n'
                printf '\\n'
                printf 'crlf only\\r\\n' >&2
                printf 'line\\342\\200\\250sep \\303\\251t\\303\\251\\n'
                echo err-last-no-newline | tr -d '\\n' >&2
                printf 'out-last-no-newline'
                """);
        Logger stderrLog = (Logger) LoggerFactory.getLogger("stderr");
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        stderrLog.addAppender(logged);
        try (TestServer server = TestServer.start("--passstderr", script.toString());
             RawWebSocket ws = RawWebSocket.connect(server.port(), "/")) {
            List<String> messages = allMessages(ws);
            assertThat(stream(messages, OUT)).containsExactly(
                    OUT + "out1\"}",
                    OUT + "q\\\"uo\\tte\\\\ back\"}",
                    OUT + "ctl \\u0001 x\\u001b[0m\"}",
                    OUT + "\"}",
                    OUT + "line\\u2028sep été\"}",
                    OUT + "out-last-no-newline\"}");
            assertThat(stream(messages, ERR)).containsExactly(
                    ERR + "err1\"}",
                    ERR + "bad \uFFFD byte\"}",
                    ERR + "crlf only\"}",
                    ERR + "err-last-no-newline\"}");
            assertThat(messages).hasSize(10);
        } finally {
            stderrLog.detachAppender(logged);
        }
        assertThat(logged.list).extracting(ILoggingEvent::getFormattedMessage)
                .contains("err1", "crlf only", "err-last-no-newline");
    }

    @Test
    void theEndWaitsForStderrSoItsLastLinesArrive() throws Exception {
        Path script = Scripts.sh(dir, "late.sh", """
                echo first
                exec 1>&-
                sleep 0.3
                echo late >&2
                """);
        try (TestServer server = TestServer.start("--passstderr", script.toString());
             RawWebSocket ws = RawWebSocket.connect(server.port(), "/")) {
            assertThat(allMessages(ws)).containsExactly(OUT + "first\"}", ERR + "late\"}");
        }
    }

    /** Puts lines sent in "partial" pieces back together; every piece's size is checked on the way. */
    private static List<String> lines(List<String> messages, String prefix) {
        String partialEnd = "\",\"partial\":true}";
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String m : stream(messages, prefix)) {
            assertThat(m.length()).as("piece size bounded").isLessThan(200 * 1024);
            boolean partial = m.endsWith(partialEnd);
            line.append(m, prefix.length(), m.length() - (partial ? partialEnd.length() : 2));
            if (!partial) {
                lines.add(line.toString());
                line.setLength(0);
            }
        }
        assertThat(line).as("no line left unfinished").isEmpty();
        return lines;
    }

    @Test
    void longLinesComeInPartialPiecesWithBoundedSize() throws Exception {
        Path script = Scripts.sh(dir, "long.sh", """
                head -c 300000 /dev/zero | tr '\\0' 'a'
                echo
                echo short >&2
                head -c 70000 /dev/zero | tr '\\0' 'b' >&2
                """);
        try (TestServer server = TestServer.start("--passstderr", script.toString());
             RawWebSocket ws = RawWebSocket.connect(server.port(), "/")) {
            List<String> messages = allMessages(ws);
            assertThat(stream(messages, OUT).size()).as("the long line came in pieces").isGreaterThan(2);
            List<String> out = lines(messages, OUT);
            assertThat(out).hasSize(1);
            assertThat(out.get(0)).hasSize(300000).matches("a+");
            List<String> err = lines(messages, ERR);
            assertThat(err).hasSize(2);
            assertThat(err.get(0)).isEqualTo("short");
            assertThat(err.get(1)).hasSize(70000).matches("b+");
        }
    }

    @Test
    void aClientThatDoesNotReadHoldsBackStderrToo() throws Exception {
        Path marker = dir.resolve("done");
        Path script = Scripts.sh(dir, "flood.sh", """
                head -c 8000000 /dev/zero | tr '\\0' 'e' | fold -w 3999 >&2
                echo done > %s
                """.formatted(marker));
        try (TestServer server = TestServer.start("--passstderr", script.toString());
             RawWebSocket ws = RawWebSocket.connect(server.port(), "/", Map.of(), 16 * 1024)) {
            // Not reading: the program must end up blocked on its stderr instead of wsbridge buffering 8 MB.
            long deadline = System.nanoTime() + Duration.ofMillis(2000).toNanos();
            while (System.nanoTime() < deadline) {
                assertThat(marker).as("program finished although nobody read its output").doesNotExist();
                Thread.sleep(50);
            }
            int lines = 0;
            RawWebSocket.Frame f;
            while ((f = ws.readMessage(Duration.ofSeconds(10))) != null && f.opcode() != RawWebSocket.CLOSE) {
                assertThat(f.text()).startsWith(ERR);
                lines++;
            }
            assertThat(lines).isEqualTo(8000000 / 3999 + 1);
            Waits.until(Duration.ofSeconds(5), () -> Files.exists(marker), "program finished once read");
        }
    }

    @Test
    void refusedWithBinary() {
        ConfigParser.Outcome outcome = new ConfigParser(System.getenv()).parse("--binary", "--passstderr", "cat");
        assertThat(outcome).isInstanceOf(ConfigParser.Exit.class);
        assertThat(((ConfigParser.Exit) outcome).code()).isEqualTo(1);
        assertThat(((ConfigParser.Exit) outcome).stderr()).contains("--binary and --passstderr");
    }
}
