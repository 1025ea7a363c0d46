package io.wsbridge.content;

import static org.assertj.core.api.Assertions.assertThat;

import io.wsbridge.cli.ConfigParser;
import io.wsbridge.cli.ExitCode;
import io.wsbridge.testing.LogCapture;
import io.wsbridge.testing.RawHttp;
import io.wsbridge.testing.Scripts;
import io.wsbridge.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Start-up lines as websocketd prints them, and the combinations that are refused. */
@Timeout(60)
class ContentStartupTest {
    @TempDir
    Path tmp;

    private List<String> startupLines(String... args) throws Exception {
        try (LogCapture log = LogCapture.of("server"); TestServer server = TestServer.start(args)) {
            return log.lines().stream().map(l -> l.replace(":" + server.port() + "/", ":PORT/")).toList();
        }
    }

    @Test
    void staticAndCgi() throws Exception {
        Path www = Files.createDirectories(tmp.resolve("www"));
        Path cgi = Files.createDirectories(tmp.resolve("cgi"));
        assertThat(startupLines("--staticdir=" + www, "--cgidir=" + cgi)).containsSubsequence(
                "Serving static content from : " + www.toRealPath(),
                "Serving CGI scripts from    : " + cgi.toRealPath(),
                "Starting WebSocket server   : ws://127.0.0.1:PORT/",
                "Serving CGI or static files : http://127.0.0.1:PORT/");
    }

    @Test
    void dirAndDevConsole() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("scripts"));
        assertThat(startupLines("--dir=" + dir, "--devconsole")).containsSubsequence(
                "Serving from directory      : " + dir.toRealPath(),
                "Starting WebSocket server   : ws://127.0.0.1:PORT/",
                "Developer console enabled   : http://127.0.0.1:PORT/");
    }

    @Test
    void commandOnlyHasNoPlainHttpLine() throws Exception {
        Path s = Scripts.sh(tmp, "s.sh", "cat");
        List<String> lines = startupLines(s.toString());
        assertThat(lines).contains("Serving using application   : " + s + " ");
        assertThat(lines).noneMatch(l -> l.startsWith("Serving CGI or static") || l.startsWith("Developer console"));
    }

    @Test
    void onlyPlainContentMeansEveryRequestIsPlain() throws Exception {
        Path www = Files.createDirectories(tmp.resolve("www"));
        try (TestServer server = TestServer.start("--staticdir=" + www)) {
            assertThat(RawHttp.get(server.port(), "/nothing").status()).isEqualTo(404);
            assertThat(RawHttp.get(server.port(), "/", "Upgrade: websocket", "Connection: Upgrade",
                    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version: 13").status())
                    .isEqualTo(404);
        }
    }

    @Test
    void refusedCombinations() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("d"));
        ConfigParser parser = new ConfigParser(Map.of("PATH", "/usr/bin:/bin"));
        ConfigParser.Exit both = (ConfigParser.Exit) parser.parse("--dir=" + dir, "cat");
        assertThat(both.code()).isEqualTo(ExitCode.INVALID_CONFIG);
        assertThat(both.stderr()).contains("COMMAND and --dir");
        ConfigParser.Exit consoleStatic = (ConfigParser.Exit) parser.parse("--devconsole", "--staticdir=" + dir, "cat");
        assertThat(consoleStatic.code()).isEqualTo(4);
        ConfigParser.Exit consoleCgi = (ConfigParser.Exit) parser.parse("--devconsole", "--cgidir=" + dir, "cat");
        assertThat(consoleCgi.code()).isEqualTo(4);
        ConfigParser.Exit badOrigin = (ConfigParser.Exit) parser.parse("--origin=http://a.com/path", "cat");
        assertThat(badOrigin.code()).isEqualTo(ExitCode.INVALID_CONFIG);
        ConfigParser.Exit notDir = (ConfigParser.Exit) parser.parse("--staticdir=" + tmp.resolve("none"));
        assertThat(notDir.code()).isEqualTo(ExitCode.INVALID_CONFIG);
    }
}
