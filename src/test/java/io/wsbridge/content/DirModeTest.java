package io.wsbridge.content;

import static org.assertj.core.api.Assertions.assertThat;

import io.wsbridge.testing.RawWebSocket;
import io.wsbridge.testing.Scripts;
import io.wsbridge.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * --dir: every executable under DIR is an endpoint at its path, SCRIPT_NAME and PATH_INFO as websocketd sets
 * them; everything that is not an executable inside DIR is 404 before any upgrade, and nothing runs.
 */
@Timeout(60)
class DirModeTest {
    @TempDir
    static Path tmp;
    static Path dir;
    static Path marker;
    static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createDirectories(tmp.resolve("scripts"));
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        marker = tmp.resolve("ran");
        String report = """
                echo "SCRIPT_NAME=$SCRIPT_NAME"
                echo "PATH_INFO=$PATH_INFO"
                echo "PATH_TRANSLATED=$PATH_TRANSLATED"
                echo "QUERY_STRING=$QUERY_STRING"
                echo "ARGS=$#"
                echo "ARG0=$0"
                """;
        Files.createDirectories(dir.resolve("sub/.dot"));
        Scripts.sh(dir, "top.sh", report);
        Scripts.sh(dir.resolve("sub"), "x.sh", report);
        String evil = "echo pwned > " + marker + "\necho pwned";
        Scripts.sh(outside, "evil.sh", evil);
        Scripts.sh(dir, ".hidden.sh", evil);
        Scripts.sh(dir.resolve("sub/.dot"), "y.sh", evil);
        Path noexec = Scripts.sh(dir, "noexec.sh", evil);
        noexec.toFile().setExecutable(false, false);
        Files.createSymbolicLink(dir.resolve("out.sh"), outside.resolve("evil.sh"));
        Files.createSymbolicLink(dir.resolve("outdir"), outside);
        Files.createSymbolicLink(dir.resolve("in.sh"), dir.resolve("sub/x.sh"));
        server = TestServer.start("--dir=" + dir);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Map<String, String> session(String path) throws Exception {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        try (RawWebSocket ws = RawWebSocket.connect(server.port(), path)) {
            while (true) {
                RawWebSocket.Frame f = ws.readMessage(Duration.ofSeconds(10));
                if (f == null || f.opcode() == RawWebSocket.CLOSE) {
                    return out;
                }
                String line = f.text();
                out.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
            }
        }
    }

    @Test
    void scriptNameAndPathInfoAsWebsocketdSetsThem() throws Exception {
        Map<String, String> env = session("/sub/x.sh/a/b?q=1");
        assertThat(env).containsEntry("SCRIPT_NAME", "/sub/x.sh").containsEntry("PATH_INFO", "/a/b")
                .containsEntry("PATH_TRANSLATED", "/sub/x.sh/a/b").containsEntry("QUERY_STRING", "q=1")
                .containsEntry("ARGS", "0").containsEntry("ARG0", dir.resolve("sub/x.sh").toString());
        assertThat(session("/top.sh")).containsEntry("SCRIPT_NAME", "/top.sh").containsEntry("PATH_INFO", "");
        assertThat(session("/top.sh/")).containsEntry("PATH_INFO", "/");
        assertThat(session("/top.sh/%C3%A9t%C3%A9")).containsEntry("PATH_INFO", "/été");
        assertThat(session("/in.sh/z")).as("a symlink inside DIR is fine")
                .containsEntry("SCRIPT_NAME", "/in.sh").containsEntry("PATH_INFO", "/z");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "/", "/sub", "/sub/", "/nope", "/sub/nope.sh", "/noexec.sh", "/.hidden.sh", "/sub/.dot/y.sh",
        "/out.sh", "/outdir/evil.sh", "/../outside/evil.sh", "/%2e%2e/outside/evil.sh", "/%2E%2E/outside/evil.sh",
        "/%252e%252e/outside/evil.sh", "/..%2foutside%2fevil.sh", "/..%5coutside%5cevil.sh",
        "/..\\outside\\evil.sh", "/sub/..%2f..%2foutside/evil.sh", "/sub/../../outside/evil.sh",
        "//outside/evil.sh", "/sub//x.sh", "/sub/x.sh%00", "/%2ehidden.sh", "/.%2e/outside/evil.sh",
        "/sub/x.sh/../../../outside/evil.sh",
    })
    void everythingElseIs404BeforeTheUpgrade(String path) throws Exception {
        RawWebSocket.HttpReply reply = RawWebSocket.tryUpgrade(server.port(), path, Map.of());
        // An encoded control byte makes the request itself invalid (400) before any lookup.
        assertThat(reply.status()).as(path).isEqualTo(path.contains("%00") ? 400 : 404);
        assertThat(reply.header("Upgrade")).isNull();
        assertThat(marker).as("nothing ran for %s", path).doesNotExist();
        assertThat(server.liveChildren()).isZero();
    }

    /** As websocketd (Go's ServeMux): 301 to the cleaned path, for upgrades too; nothing runs for it. */
    @Test
    void dotSegmentsRedirectToTheCleanedScriptPath() throws Exception {
        RawWebSocket.HttpReply r = RawWebSocket.tryUpgrade(server.port(), "/sub/../top.sh/a?q=1", Map.of());
        assertThat(r.status()).isEqualTo(301);
        assertThat(r.header("Location")).isEqualTo("/top.sh/a?q=1");
        assertThat(r.header("Upgrade")).isNull();
        assertThat(RawWebSocket.tryUpgrade(server.port(), "/./sub/./x.sh", Map.of()).header("Location"))
                .isEqualTo("/sub/x.sh");
        assertThat(session("/top.sh/a?q=1")).containsEntry("SCRIPT_NAME", "/top.sh").containsEntry("PATH_INFO", "/a");
        assertThat(RawWebSocket.tryUpgrade(server.port(), "/sub/../../outside/evil.sh", Map.of()).status())
                .isEqualTo(404);
        assertThat(marker).doesNotExist();
    }

    @Test
    void plainRequestsAreNotFound() throws Exception {
        List<Integer> statuses = new ArrayList<>();
        for (String p : new String[] {"/top.sh", "/", "/sub/x.sh"}) {
            statuses.add(io.wsbridge.testing.RawHttp.get(server.port(), p).status());
        }
        assertThat(statuses).containsOnly(404);
    }
}
