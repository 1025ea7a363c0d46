package io.wsbridge.content;

import static org.assertj.core.api.Assertions.assertThat;

import io.wsbridge.testing.Client;
import io.wsbridge.testing.LogCapture;
import io.wsbridge.testing.RawHttp;
import io.wsbridge.testing.Scripts;
import io.wsbridge.testing.TestServer;
import io.wsbridge.testing.Waits;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** --cgidir: RFC 3875 scripts with real processes, real bodies both ways, and hostile scripts and paths. */
@Timeout(90)
class CgiTest {
    @TempDir
    static Path tmp;
    static Path cgi;
    static Path marker;
    static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        cgi = Files.createDirectories(tmp.resolve("cgi"));
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        marker = tmp.resolve("ran");
        String evil = "echo pwned > " + marker + "\necho 'Content-Type: text/plain'\necho\necho pwned";
        Scripts.sh(outside, "evil.sh", evil);
        Scripts.sh(cgi, ".hidden.sh", evil);
        Files.createSymbolicLink(cgi.resolve("out.sh"), outside.resolve("evil.sh"));
        Files.createSymbolicLink(cgi.resolve("outdir"), outside);
        Scripts.sh(cgi, "noexec.sh", evil).toFile().setExecutable(false, false);
        Scripts.sh(cgi, "env.sh", "printf 'Content-Type: text/plain\\n\\n'\nenv\necho \"CWD=$(pwd)\"");
        Scripts.sh(cgi, "echo.sh", "printf 'Content-Type: application/octet-stream\\n\\n'\nexec cat");
        Scripts.sh(cgi, "count.sh", "printf 'Content-Type: text/plain\\n\\n'\nwc -c | tr -d ' '");
        Scripts.sh(cgi, "slowcount.sh", "sleep 1\nprintf 'Content-Type: text/plain\\n\\n'\nwc -c | tr -d ' '");
        Scripts.sh(cgi, "big.sh", "printf 'Content-Type: application/octet-stream\\n\\n'\n"
                + "head -c 20971520 /dev/zero");
        Scripts.sh(cgi, "status.sh", "printf 'Status: 404 Not Here\\nContent-Type: text/plain\\n\\nmissing\\n'");
        Scripts.sh(cgi, "created.sh", "printf 'Status: 201\\nContent-Type: text/plain\\n\\n'");
        Scripts.sh(cgi, "redirect.sh", "printf 'Location: https://example.com/next\\n\\n'");
        Scripts.sh(cgi, "local.sh", "printf 'Location: /elsewhere\\n\\n'");
        Scripts.sh(cgi, "moved.sh", "printf 'Status: 301 Moved Permanently\\nLocation: /new\\n\\n'");
        Scripts.sh(cgi, "cookies.sh", "printf 'Content-Type: text/plain\\nSet-Cookie: a=1\\nSet-Cookie: b=2\\n"
                + "X-Custom: yes\\nTransfer-Encoding: chunked\\nConnection: close\\n\\nok'");
        Scripts.sh(cgi, "length.sh", "printf 'Content-Type: text/plain\\nContent-Length: 5\\n\\nhello world'");
        Scripts.sh(cgi, "short.sh", "printf 'Content-Type: text/plain\\nContent-Length: 100\\n\\nhello'");
        Scripts.sh(cgi, "noblank.sh", "printf 'Content-Type: text/plain\\n'");
        Scripts.sh(cgi, "nocolon.sh", "printf 'Content-Type text/plain\\n\\nbody'");
        Scripts.sh(cgi, "inject.sh", "printf 'Content-Type: text/plain\\rSet-Cookie: evil=1\\n\\nbody'");
        Scripts.sh(cgi, "nofields.sh", "printf 'X-Only: 1\\n\\nbody'");
        Scripts.sh(cgi, "silent.sh", "exit 0");
        Scripts.sh(cgi, "badstatus.sh", "printf 'Status: 99 Low\\n\\n'");
        Scripts.sh(cgi, "endless.sh", "echo $$ > " + tmp.resolve("endless.pid") + "\nwhile :; do echo 'X-A: b'; done");
        Scripts.sh(cgi, "hang.sh", "echo $$ > " + tmp.resolve("hang.pid") + "\nsleep 60 &\necho $! > "
                + tmp.resolve("hang-child.pid") + "\nprintf 'Content-Type: text/plain\\n\\nstarted\\n'\nwait");
        Scripts.sh(cgi, "failing.sh", "printf 'Content-Type: text/plain\\n\\npartial\\n'\necho oops >&2\nexit 3");
        Files.createDirectories(cgi.resolve("sub"));
        Scripts.sh(cgi.resolve("sub"), "info.sh", "printf 'Content-Type: text/plain\\n\\n'\n"
                + "echo \"$SCRIPT_NAME|$PATH_INFO|$PATH_TRANSLATED\"");
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", System.getenv("PATH"));
        env.put("SECRET_TOKEN", "do-not-leak");
        server = TestServer.start(env, "--cgidir=" + cgi);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Map<String, String> envOf(RawHttp.Response r) {
        Map<String, String> env = new TreeMap<>();
        for (String line : r.text().split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                env.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return env;
    }

    @Test
    void environmentPerRfc3875() throws Exception {
        RawHttp.Response r = RawHttp.exchange(server.port(), "POST", "/env.sh/a/b?x=1&y=%20",
                "Content-Type: application/x-www-form-urlencoded", "Content-Length: 0", "X-Foo: bar",
                "Proxy: http://evil.example:3128", "Authorization: Basic dTpw");
        assertThat(r.status()).isEqualTo(200);
        Map<String, String> env = envOf(r);
        assertThat(env).containsEntry("GATEWAY_INTERFACE", "CGI/1.1")
                .containsEntry("REQUEST_METHOD", "POST")
                .containsEntry("SCRIPT_NAME", "/env.sh")
                .containsEntry("PATH_INFO", "/a/b")
                .containsEntry("PATH_TRANSLATED", cgi.toRealPath() + "/a/b")
                .containsEntry("SCRIPT_FILENAME", cgi.toRealPath().resolve("env.sh").toString())
                .containsEntry("QUERY_STRING", "x=1&y=%20")
                .containsEntry("REQUEST_URI", "/env.sh/a/b?x=1&y=%20")
                .containsEntry("CONTENT_TYPE", "application/x-www-form-urlencoded")
                .containsEntry("CONTENT_LENGTH", "0")
                .containsEntry("SERVER_NAME", "127.0.0.1")
                .containsEntry("SERVER_PORT", Integer.toString(server.port()))
                .containsEntry("SERVER_PROTOCOL", "HTTP/1.1")
                .containsEntry("REMOTE_ADDR", "127.0.0.1")
                .containsEntry("HTTP_X_FOO", "bar")
                .containsEntry("HTTP_HOST", "127.0.0.1:" + server.port())
                .containsEntry("PATH", System.getenv("PATH"))
                .containsEntry("CWD", cgi.toRealPath().toString())
                .doesNotContainKeys("HTTP_PROXY", "HTTP_CONTENT_TYPE", "HTTP_CONTENT_LENGTH", "SECRET_TOKEN", "HTTPS");
        assertThat(env.get("SERVER_SOFTWARE")).startsWith("wsbridge/");
        assertThat(envOf(RawHttp.get(server.port(), "/env.sh"))).doesNotContainKey("PATH_TRANSLATED")
                .containsEntry("PATH_INFO", "");
        assertThat(RawHttp.get(server.port(), "/sub/info.sh/x/").text())
                .isEqualTo("/sub/info.sh|/x/|" + cgi.toRealPath() + "/x/\n");
    }

    @Test
    void requestBodyStreamsToStdin() throws Exception {
        byte[] body = new byte[5 << 20];
        Arrays.fill(body, (byte) 'x');
        try (RawHttp http = RawHttp.connect(server.port())) {
            http.send(RawHttp.request(server.port(), "POST", "/count.sh", "Content-Length: " + body.length));
            http.send(body);
            assertThat(http.read(false).text()).isEqualTo(body.length + "\n");
            // The connection is still good for another request.
            http.send(RawHttp.request(server.port(), "POST", "/echo.sh", "Content-Length: 3") + "abc");
            RawHttp.Response echo = http.read(false);
            assertThat(echo.text()).isEqualTo("abc");
            assertThat(echo.header("Transfer-Encoding")).isEqualTo("chunked");
        }
    }

    @Test
    void aScriptThatReadsLateStillGetsTheWholeBody() throws Exception {
        byte[] body = new byte[8 << 20];
        try (RawHttp http = RawHttp.connect(server.port())) {
            http.send(RawHttp.request(server.port(), "POST", "/slowcount.sh", "Content-Length: " + body.length));
            http.send(body);
            assertThat(http.read(false).text()).isEqualTo(body.length + "\n");
        }
    }

    @Test
    void chunkedRequestBodiesAndExpectContinue() throws Exception {
        try (RawHttp http = RawHttp.connect(server.port())) {
            http.send(RawHttp.request(server.port(), "POST", "/echo.sh", "Transfer-Encoding: chunked")
                    + "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n");
            assertThat(http.read(false).text()).isEqualTo("abcde");
        }
        try (RawHttp http = RawHttp.connect(server.port())) {
            http.send(RawHttp.request(server.port(), "POST", "/echo.sh", "Content-Length: 4",
                    "Expect: 100-continue"));
            RawHttp.Response interim = http.read(false);
            assertThat(interim.status()).isEqualTo(100);
            http.send("data");
            assertThat(http.read(false).text()).isEqualTo("data");
        }
        assertThat(RawHttp.exchange(server.port(), "POST", "/echo.sh", "Content-Length: 0", "Expect: teapot")
                .status()).isEqualTo(417);
    }

    @Test
    void largeOutputStreams() throws Exception {
        try (RawHttp http = RawHttp.connect(server.port())) {
            http.send(RawHttp.request(server.port(), "GET", "/big.sh"));
            RawHttp.Response r = http.read(false);
            assertThat(r.body().length).isEqualTo(20 << 20);
            assertThat(r.header("Transfer-Encoding")).isEqualTo("chunked");
        }
        try (RawHttp http = RawHttp.connect(server.port())) {
            http.send("GET /big.sh HTTP/1.0\r\n\r\n");
            RawHttp.Response r = http.read(false);
            assertThat(r.body().length).as("HTTP/1.0: ends with the connection").isEqualTo(20 << 20);
        }
    }

    @Test
    void statusLocationAndHeaders() throws Exception {
        RawHttp.Response r = RawHttp.get(server.port(), "/status.sh");
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.reason()).isEqualTo("Not Here");
        assertThat(r.text()).isEqualTo("missing\n");
        assertThat(RawHttp.get(server.port(), "/created.sh").reason()).isEqualTo("Created");
        RawHttp.Response redirect = RawHttp.get(server.port(), "/redirect.sh");
        assertThat(redirect.status()).isEqualTo(302);
        assertThat(redirect.header("Location")).isEqualTo("https://example.com/next");
        assertThat(RawHttp.get(server.port(), "/local.sh").status()).isEqualTo(302);
        assertThat(RawHttp.get(server.port(), "/moved.sh").status()).isEqualTo(301);
        RawHttp.Response cookies = RawHttp.get(server.port(), "/cookies.sh");
        assertThat(cookies.headers("Set-Cookie")).containsExactly("a=1", "b=2");
        assertThat(cookies.header("X-Custom")).isEqualTo("yes");
        assertThat(cookies.text()).as("our framing, not the script's").isEqualTo("ok");
        assertThat(cookies.header("Connection")).isNull();
    }

    @Test
    void contentLengthFromTheScriptIsEnforced() throws Exception {
        try (RawHttp http = RawHttp.connect(server.port())) {
            http.send(RawHttp.request(server.port(), "GET", "/length.sh"));
            assertThat(http.read(false).text()).isEqualTo("hello");
            http.send(RawHttp.request(server.port(), "GET", "/created.sh"));
            assertThat(http.read(false).status()).as("the extra output did not leak into the next response")
                    .isEqualTo(201);
        }
        try (RawHttp http = RawHttp.connect(server.port())) {
            http.send(RawHttp.request(server.port(), "GET", "/short.sh"));
            assertThat(http.closedWithin(Duration.ofSeconds(10))).as("short body: connection closed").isTrue();
        }
    }

    @Test
    void headHasNoBody() throws Exception {
        try (RawHttp http = RawHttp.connect(server.port())) {
            http.send(RawHttp.request(server.port(), "HEAD", "/env.sh"));
            RawHttp.Response head = http.read(true);
            assertThat(head.status()).isEqualTo(200);
            http.send(RawHttp.request(server.port(), "GET", "/created.sh"));
            assertThat(http.read(false).status()).isEqualTo(201);
        }
    }

    @Test
    void malformedHeaderBlocksAre502WithALogLine() throws Exception {
        try (LogCapture log = LogCapture.of("http")) {
            for (String s : new String[] {"noblank.sh", "nocolon.sh", "inject.sh", "nofields.sh", "silent.sh",
                    "badstatus.sh"}) {
                RawHttp.Response r = RawHttp.get(server.port(), "/" + s);
                assertThat(r.status()).as(s).isEqualTo(502);
                assertThat(r.headers("Set-Cookie")).isEmpty();
                assertThat(r.text()).isEqualTo("502 Bad Gateway\n");
            }
            Waits.until(Duration.ofSeconds(5), () -> log.lines().stream()
                    .filter(l -> l.contains("CGI: malformed header from script")).count() >= 6, "six log lines");
            assertThat(log.lines()).anyMatch(l -> l.contains("control character") && l.contains("inject.sh"));
        }
    }

    @Test
    void anEndlessHeaderBlockIs502AndTheScriptIsEnded() throws Exception {
        RawHttp.Response r = RawHttp.get(server.port(), "/endless.sh");
        assertThat(r.status()).isEqualTo(502);
        long pid = Long.parseLong(Files.readString(tmp.resolve("endless.pid")).trim());
        Waits.until(Duration.ofSeconds(5), () -> ProcessHandle.of(pid).isEmpty(), "endless.sh ended");
        Waits.until(Duration.ofSeconds(5), () -> server.liveChildren() == 0, "fork slot given back");
    }

    @Test
    void aClientThatLeavesEndsTheScriptAndItsChildren() throws Exception {
        try (RawHttp http = RawHttp.connect(server.port())) {
            http.send(RawHttp.request(server.port(), "GET", "/hang.sh"));
            InputStream in = http.socket().getInputStream();
            byte[] buf = new byte[4096];
            StringBuilder seen = new StringBuilder();
            while (!seen.toString().contains("started")) {
                int n = in.read(buf);
                assertThat(n).isPositive();
                seen.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
            }
        }
        long pid = Long.parseLong(Files.readString(tmp.resolve("hang.pid")).trim());
        long child = Long.parseLong(Files.readString(tmp.resolve("hang-child.pid")).trim());
        Waits.until(Duration.ofSeconds(5), () -> ProcessHandle.of(pid).isEmpty() && ProcessHandle.of(child).isEmpty(),
                "script and its background child ended");
        Waits.until(Duration.ofSeconds(5), () -> server.liveChildren() == 0, "fork slot given back");
    }

    @Test
    void serverShutdownEndsRunningScripts() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("shutdown"));
        Path pidFile = tmp.resolve("shutdown.pid");
        Scripts.sh(dir, "wait.sh", "echo $$ > " + pidFile + "\nprintf 'Content-Type: text/plain\\n\\nwaiting\\n'\n"
                + "exec sleep 60");
        TestServer own = TestServer.start("--cgidir=" + dir);
        try (RawHttp http = RawHttp.connect(own.port())) {
            http.send(RawHttp.request(own.port(), "GET", "/wait.sh"));
            InputStream in = http.socket().getInputStream();
            StringBuilder seen = new StringBuilder();
            byte[] buf = new byte[1024];
            while (!seen.toString().contains("waiting")) {
                int n = in.read(buf);
                assertThat(n).isPositive();
                seen.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
            }
            long pid = Long.parseLong(Files.readString(pidFile).trim());
            own.close();
            assertThat(ProcessHandle.of(pid)).as("the script ended before the server returned").isEmpty();
        }
    }

    @Test
    void aFailingScriptAfterItsHeadersStillCompletesTheResponse() throws Exception {
        try (LogCapture log = LogCapture.of("stderr")) {
            RawHttp.Response r = RawHttp.get(server.port(), "/failing.sh");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.text()).isEqualTo("partial\n");
            Waits.until(Duration.ofSeconds(5), () -> log.lines().stream().anyMatch(l -> l.startsWith("oops")
                    && l.contains("cgiscript=")), "stderr logged with the script's name");
        }
    }

    /** websocketd answers "/sub/../hello.sh" with 301 to "/hello.sh" (Go's ServeMux cleans paths). */
    @Test
    void dotSegmentsRedirectToTheCleanedScriptPath() throws Exception {
        RawHttp.Response r = RawHttp.get(server.port(), "/sub/../sub/info.sh/x");
        assertThat(r.status()).isEqualTo(301);
        assertThat(r.header("Location")).isEqualTo("/sub/info.sh/x");
        assertThat(RawHttp.get(server.port(), r.header("Location")).text()).startsWith("/sub/info.sh|/x|");
        assertThat(RawHttp.exchange(server.port(), "POST", "/./echo.sh", "Content-Length: 0").header("Location"))
                .isEqualTo("/echo.sh");
        assertThat(RawHttp.get(server.port(), "/sub/../../outside/evil.sh").status()).isEqualTo(404);
        assertThat(marker).doesNotExist();
    }

    @Test
    void stderrWrittenJustBeforeTheScriptExitsIsNeverLost() throws Exception {
        // The exit and the end of stdout can be seen in one loop turn before stderr is read; whatever the
        // order, the line is logged (50 tries: the order varies from request to request).
        try (LogCapture log = LogCapture.of("stderr")) {
            for (int i = 1; i <= 50; i++) {
                assertThat(RawHttp.get(server.port(), "/failing.sh").text()).isEqualTo("partial\n");
                int expected = i;
                Waits.until(Duration.ofSeconds(5), () -> log.lines().stream().filter(l -> l.startsWith("oops")).count()
                        >= expected, "stderr of request " + i + " logged");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "/noexec.sh", "/.hidden.sh", "/out.sh", "/outdir/evil.sh", "/../outside/evil.sh", "/%2e%2e/outside/evil.sh",
        "/%252e%252e/outside/evil.sh", "/..%2foutside%2fevil.sh", "/..%5coutside%5cevil.sh", "/..\\outside\\evil.sh",
        "/sub/../../outside/evil.sh", "/sub/%2e%2e/%2e%2e/outside/evil.sh", "//outside/evil.sh", "/env.sh%00",
        "/", "/sub", "/sub/", "/nothing.sh",
    })
    void onlyExecutablesInsideTheDirectoryRun(String path) throws Exception {
        RawHttp.Response r = RawHttp.get(server.port(), path);
        assertThat(r.status()).as(path).isIn(400, 404);
        assertThat(r.text()).doesNotContain("pwned").doesNotContain("echo");
        assertThat(marker).as("nothing ran for %s", path).doesNotExist();
    }

    @Test
    void cgiSharesMaxforksWithWebSockets() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("limited"));
        Scripts.sh(dir, "quick.sh", "printf 'Content-Type: text/plain\\n\\nquick'");
        Path ws = Scripts.sh(tmp, "ws.sh", "echo ready\nexec cat");
        try (TestServer limited = TestServer.start("--maxforks=1", "--cgidir=" + dir, "--header-http=X-H: 1",
                ws.toString())) {
            assertThat(RawHttp.get(limited.port(), "/quick.sh").text()).isEqualTo("quick");
            // The response ends when the script's stdout does; its slot is free once it has been reaped, a
            // moment later (connecting at once got 429 now and then).
            Waits.until(Duration.ofSeconds(5), () -> limited.liveChildren() == 0, "quick.sh reaped");
            try (Client c = Client.connect(limited.url("/"))) {
                assertThat(c.nextText(10)).isEqualTo("ready");
                RawHttp.Response full = RawHttp.get(limited.port(), "/quick.sh");
                assertThat(full.status()).isEqualTo(429);
                assertThat(full.header("X-H")).isEqualTo("1");
            }
            Waits.until(Duration.ofSeconds(5), () -> limited.liveChildren() == 0, "session ended");
            assertThat(RawHttp.get(limited.port(), "/quick.sh").text()).isEqualTo("quick");
        }
    }

    @Test
    void upgradesGoToTheWebSocketEndpointWhenThereIsOne() throws Exception {
        Path ws = Scripts.sh(tmp, "wsonly.sh", "echo websocket");
        try (TestServer both = TestServer.start("--cgidir=" + cgi, ws.toString());
             Client c = Client.connect(both.url("/created.sh"))) {
            assertThat(c.nextText(10)).isEqualTo("websocket");
        }
        List<String> upgrade = List.of("Upgrade: websocket", "Connection: Upgrade",
                "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version: 13");
        assertThat(RawHttp.get(server.port(), "/created.sh", upgrade.toArray(String[]::new)).status())
                .as("without a WebSocket endpoint the script answers").isEqualTo(201);
    }
}
