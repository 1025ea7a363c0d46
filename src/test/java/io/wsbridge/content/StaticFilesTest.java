package io.wsbridge.content;

import static org.assertj.core.api.Assertions.assertThat;

import io.wsbridge.testing.RawHttp;
import io.wsbridge.testing.Scripts;
import io.wsbridge.testing.TestServer;
import io.wsbridge.testing.Waits;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * --staticdir: files, index.html, redirects, types, dates, ranges, HEAD and methods; and nothing outside the
 * directory, nothing hidden, nothing from the CGI directory inside it, whatever the spelling.
 */
@Timeout(60)
class StaticFilesTest {
    static final String SECRET = "TOP SECRET";
    static final Instant MODIFIED = Instant.parse("2024-03-01T10:20:30Z");

    @TempDir
    static Path tmp;
    static Path www;
    static Path big;
    static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        www = Files.createDirectories(tmp.resolve("www"));
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("secret.txt"), SECRET);
        Files.writeString(tmp.resolve("secret.txt"), SECRET);
        Files.createDirectories(tmp.resolve("www2"));
        Files.writeString(tmp.resolve("www2/secret.txt"), SECRET);
        Files.writeString(www.resolve("index.html"), "<h1>home</h1>");
        Files.writeString(www.resolve("hello.txt"), "hello world\n");
        Files.setLastModifiedTime(www.resolve("hello.txt"), FileTime.from(MODIFIED));
        Files.writeString(www.resolve("style.CSS"), "a{}");
        Files.writeString(www.resolve("app.js"), "1");
        Files.write(www.resolve("blob.bin"), new byte[] {0, 1, 2});
        Files.writeString(www.resolve("empty.txt"), "");
        Files.writeString(www.resolve("caf\u00e9 au lait.txt"), "coffee");
        Files.writeString(www.resolve(".env"), SECRET);
        Files.createDirectories(www.resolve(".well-known/acme-challenge"));
        Files.writeString(www.resolve(".well-known/acme-challenge/tok3n"), "tok3n.thumbprint");
        Files.writeString(www.resolve(".well-known/security.txt"), "Contact: mailto:security@example.test\n");
        Files.writeString(www.resolve(".well-known/.env"), SECRET);
        Files.createDirectories(www.resolve("docs/.well-known"));
        Files.writeString(www.resolve("docs/.well-known/security.txt"), SECRET);
        Files.createDirectories(www.resolve(".git"));
        Files.writeString(www.resolve(".git/config"), SECRET);
        Files.createDirectories(www.resolve("docs"));
        Files.writeString(www.resolve("docs/index.html"), "<h1>docs</h1>");
        Files.createDirectories(www.resolve("nolist"));
        Files.writeString(www.resolve("nolist/file.txt"), "listed?");
        Files.createSymbolicLink(www.resolve("link-out.txt"), outside.resolve("secret.txt"));
        Files.createSymbolicLink(www.resolve("dir-out"), outside);
        Files.createSymbolicLink(www.resolve("sibling"), Path.of("../www2"));
        Files.createSymbolicLink(www.resolve("link-in.txt"), www.resolve("hello.txt"));
        Files.createDirectories(www.resolve("outidx"));
        Files.createSymbolicLink(www.resolve("outidx/index.html"), outside.resolve("secret.txt"));
        // A CGI directory inside the static one: its files are never served as files.
        Path cgi = Files.createDirectories(www.resolve("cgi-bin"));
        Scripts.sh(cgi, "script.sh", "echo 'Content-Type: text/plain'\necho\necho from-cgi # " + SECRET);
        Files.writeString(cgi.resolve("notes.txt"), SECRET);
        Files.writeString(cgi.resolve("index.html"), SECRET);
        Files.createSymbolicLink(www.resolve("alias.sh"), cgi.resolve("script.sh"));
        big = www.resolve("big.bin");
        byte[] data = new byte[24 << 20];
        new Random(7).nextBytes(data);
        Files.write(big, data);
        server = TestServer.start("--staticdir=" + www, "--cgidir=" + cgi);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static RawHttp.Response get(String path, String... headers) throws Exception {
        return RawHttp.get(server.port(), path, headers);
    }

    @Test
    void filesWithTypeLengthAndDate() throws Exception {
        RawHttp.Response r = get("/hello.txt");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.text()).isEqualTo("hello world\n");
        assertThat(r.header("Content-Type")).isEqualTo("text/plain; charset=utf-8");
        assertThat(r.header("Content-Length")).isEqualTo("12");
        assertThat(r.header("Last-Modified")).isEqualTo("Fri, 01 Mar 2024 10:20:30 GMT");
        assertThat(r.header("Accept-Ranges")).isEqualTo("bytes");
        assertThat(r.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(get("/style.CSS").header("Content-Type")).isEqualTo("text/css; charset=utf-8");
        assertThat(get("/app.js").header("Content-Type")).isEqualTo("text/javascript; charset=utf-8");
        assertThat(get("/blob.bin").header("Content-Type")).isEqualTo("application/octet-stream");
        assertThat(get("/empty.txt").body()).isEmpty();
        assertThat(get("/caf%C3%A9%20au%20lait.txt").text()).isEqualTo("coffee");
        assertThat(get("/link-in.txt").text()).as("symlink inside the directory").isEqualTo("hello world\n");
        assertThat(get("/hello.txt?v=3").text()).isEqualTo("hello world\n");
    }

    @Test
    void directoriesServeIndexHtmlAndRedirectToTheirSlash() throws Exception {
        assertThat(get("/").text()).isEqualTo("<h1>home</h1>");
        assertThat(get("/").header("Content-Type")).isEqualTo("text/html; charset=utf-8");
        assertThat(get("/docs/").text()).isEqualTo("<h1>docs</h1>");
        RawHttp.Response redirect = get("/docs?x=1");
        assertThat(redirect.status()).isEqualTo(301);
        assertThat(redirect.header("Location")).isEqualTo("/docs/?x=1");
        assertThat(get("/nolist/").status()).as("no listings").isEqualTo(404);
        assertThat(get("/nolist/").text()).doesNotContain("file.txt");
        assertThat(get("/outidx/").status()).as("index.html leading outside").isEqualTo(404);
    }

    @Test
    void redirectsNeverLeaveTheSite() throws Exception {
        for (String p : new String[] {"//evil.com", "//evil.com/", "/\\evil.com", "/%5cevil.com", "/%2f%2fevil.com",
                "///evil.com"}) {
            RawHttp.Response r = get(p);
            assertThat(r.status()).as(p).isEqualTo(404);
            assertThat(r.header("Location")).isNull();
        }
    }

    /** An absolute-form target (as proxies send it) is logged once, not appended to the Host header's URL. */
    @Test
    void theAccessLogShowsAnAbsoluteFormTargetOnce() throws Exception {
        try (io.wsbridge.testing.LogCapture log = io.wsbridge.testing.LogCapture.of("http")) {
            assertThat(get("http://example.test:8080/hello.txt?x=1").status()).isEqualTo(200);
            assertThat(get("http://example.test?y=2").status()).isEqualTo(200);
            assertThat(get("/hello.txt").status()).isEqualTo(200);
            assertThat(log.lines()).anyMatch(l -> l.contains("url='http://example.test:8080/hello.txt?x=1'"))
                    .anyMatch(l -> l.contains("url='http://example.test/?y=2'"))
                    .anyMatch(l -> l.contains("url='http://127.0.0.1:" + server.port() + "/hello.txt'"))
                    .noneMatch(l -> l.contains("/http://") || l.contains(":" + server.port() + "http"));
        }
    }

    /** RFC 8615: ACME http-01 challenges and security.txt live under /.well-known/, the one dot-directory served. */
    @Test
    void theWellKnownDirectoryIsServed() throws Exception {
        RawHttp.Response challenge = get("/.well-known/acme-challenge/tok3n");
        assertThat(challenge.status()).isEqualTo(200);
        assertThat(challenge.text()).isEqualTo("tok3n.thumbprint");
        assertThat(get("/.well-known/security.txt").text()).startsWith("Contact: mailto:security@example.test");
        assertThat(get("/.well-known").header("Location")).isEqualTo("/.well-known/");
        // "%2e" for "." in a name (not a dot segment) is the same URL (RFC 3986 6.2.2.2).
        assertThat(get("/%2ewell-known/security.txt").status()).isEqualTo(200);
    }

    /** websocketd (Go's ServeMux) answers 301 with the cleaned path; curl --path-as-is and scripts follow it. */
    @Test
    void dotSegmentsRedirectToTheCleanedPathInsideTheRoot() throws Exception {
        RawHttp.Response r = get("/docs/../hello.txt?x=1");
        assertThat(r.status()).isEqualTo(301);
        assertThat(r.header("Location")).isEqualTo("/hello.txt?x=1");
        assertThat(get(r.header("Location")).text()).isEqualTo("hello world\n");
        assertThat(get("/./docs/./").header("Location")).isEqualTo("/docs/");
        assertThat(get("/docs/..").header("Location")).isEqualTo("/");
        assertThat(RawHttp.exchange(server.port(), "HEAD", "/nolist/../hello.txt").status()).isEqualTo(301);
        // The redirect names a path; whether it is served is decided when the client asks for it.
        for (String hidden : new String[] {"/docs/../.env", "/./.env"}) {
            RawHttp.Response h = get(hidden);
            assertThat(h.status()).as(hidden).isEqualTo(301);
            assertThat(h.header("Location")).isEqualTo("/.env");
            assertThat(h.text()).doesNotContain(SECRET);
            assertThat(get(h.header("Location")).status()).isEqualTo(404);
        }
        // Climbing above the root, or dots in escapes, are not cleaned but refused.
        for (String refused : new String[] {"/../hello.txt", "/docs/../../hello.txt", "/docs/%2e%2e/hello.txt",
                "/docs/../%2e%2e/hello.txt", "//docs/../hello.txt"}) {
            RawHttp.Response x = get(refused);
            assertThat(x.status()).as(refused).isEqualTo(404);
            assertThat(x.header("Location")).as(refused).isNull();
        }
    }

    @Test
    void conditionalRequests() throws Exception {
        RawHttp.Response same = get("/hello.txt", "If-Modified-Since: Fri, 01 Mar 2024 10:20:30 GMT");
        assertThat(same.status()).isEqualTo(304);
        assertThat(same.header("Last-Modified")).isEqualTo("Fri, 01 Mar 2024 10:20:30 GMT");
        assertThat(get("/hello.txt", "If-Modified-Since: Sat, 02 Mar 2024 00:00:00 GMT").status()).isEqualTo(304);
        assertThat(get("/hello.txt", "If-Modified-Since: Friday, 01-Mar-24 10:20:30 GMT").status()).isEqualTo(304);
        assertThat(get("/hello.txt", "If-Modified-Since: Fri, 01 Mar 2024 10:20:29 GMT").status()).isEqualTo(200);
        assertThat(get("/hello.txt", "If-Modified-Since: yesterday").status()).isEqualTo(200);
    }

    @Test
    void ranges() throws Exception {
        RawHttp.Response r = get("/hello.txt", "Range: bytes=0-4");
        assertThat(r.status()).isEqualTo(206);
        assertThat(r.text()).isEqualTo("hello");
        assertThat(r.header("Content-Range")).isEqualTo("bytes 0-4/12");
        assertThat(r.header("Content-Length")).isEqualTo("5");
        assertThat(get("/hello.txt", "Range: bytes=6-").text()).isEqualTo("world\n");
        assertThat(get("/hello.txt", "Range: bytes=-6").text()).isEqualTo("world\n");
        RawHttp.Response past = get("/hello.txt", "Range: bytes=12-");
        assertThat(past.status()).isEqualTo(416);
        assertThat(past.header("Content-Range")).isEqualTo("bytes */12");
        assertThat(get("/hello.txt", "Range: bytes=0-1,4-5").status()).as("several ranges: whole file")
                .isEqualTo(200);
        assertThat(get("/hello.txt", "Range: bytes=5-2").status()).isEqualTo(200);
        assertThat(get("/hello.txt", "Range: bytes=0-4", "If-Range: Fri, 01 Mar 2024 10:20:30 GMT").status())
                .isEqualTo(206);
        assertThat(get("/hello.txt", "Range: bytes=0-4", "If-Range: Thu, 29 Feb 2024 10:20:30 GMT").status())
                .as("changed since: whole file").isEqualTo(200);
        assertThat(get("/hello.txt", "Range: bytes=0-4", "If-Range: \"etag\"").status()).isEqualTo(200);
    }

    @Test
    void headAndMethods() throws Exception {
        try (RawHttp http = RawHttp.connect(server.port())) {
            http.send(RawHttp.request(server.port(), "HEAD", "/hello.txt"));
            RawHttp.Response head = http.read(true);
            assertThat(head.status()).isEqualTo(200);
            assertThat(head.header("Content-Length")).isEqualTo("12");
            // No body followed the HEAD answer: the next response on the connection parses cleanly.
            http.send(RawHttp.request(server.port(), "GET", "/app.js"));
            assertThat(http.read(false).text()).isEqualTo("1");
        }
        for (String method : new String[] {"POST", "PUT", "DELETE", "OPTIONS", "PATCH"}) {
            RawHttp.Response r = RawHttp.exchange(server.port(), method, "/hello.txt", "Content-Length: 0");
            assertThat(r.status()).as(method).isEqualTo(405);
            assertThat(r.header("Allow")).isEqualTo("GET, HEAD");
        }
        assertThat(RawHttp.exchange(server.port(), "POST", "/missing.txt", "Content-Length: 0").status())
                .isEqualTo(404);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "/../secret.txt", "/../outside/secret.txt", "/%2e%2e/secret.txt", "/%2E%2E/secret.txt", "/.%2e/secret.txt",
        "/%2e%2e%2fsecret.txt", "/%252e%252e/secret.txt", "/%252e%252e%252fsecret.txt", "/docs/..%2f..%2fsecret.txt",
        "/docs/%2e%2e/%2e%2e/secret.txt", "/..%5csecret.txt", "/..\\secret.txt", "/docs\\..\\..\\secret.txt",
        "/%5c..%5csecret.txt", "/hello.txt%00.html", "/hello.txt%00", "//secret.txt", "/%2fetc/passwd",
        "/link-out.txt", "/dir-out/secret.txt", "/sibling/secret.txt", "http://127.0.0.1/../secret.txt",
        "/.env", "/%2eenv", "/.git/config", "/.git/", "/%2egit/config", "/.well-known/.env",
        "/docs/.well-known/security.txt", "/.well-known/..%2f.env",
        "/cgi-bin/notes.txt", "/cgi-bin/", "/cgi-bin/index.html", "/cgi-bin/script.sh", "/cgi-bin", "/alias.sh", "/cgi-bin/%73cript.sh%00",
        "/%c0%ae%c0%ae/secret.txt", "/%e0%80%ae%e0%80%ae/secret.txt", "/%u002e%u002e/secret.txt",
    })
    void nothingOutsideOrHiddenIsEverServed(String path) throws Exception {
        RawHttp.Response r = get(path);
        assertThat(r.status()).as(path).isIn(400, 404);
        assertThat(r.text()).as(path).doesNotContain(SECRET);
    }

    @Test
    void aCgiDirectoryInsideTheStaticOneRunsScriptsAndNeverShowsTheirSource() throws Exception {
        // CGI URLs are rooted at the CGI directory (as in websocketd): the script is /script.sh ...
        RawHttp.Response r = get("/script.sh");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.text()).isEqualTo("from-cgi\n");
        // ... and its path inside the static directory, where websocketd serves its source, is 404.
        RawHttp.Response source = get("/cgi-bin/script.sh");
        assertThat(source.status()).isEqualTo(404);
        assertThat(source.text()).doesNotContain(SECRET).doesNotContain("echo");
    }

    @Test
    void largeFilesStreamWhole() throws Exception {
        MessageDigest expected = MessageDigest.getInstance("SHA-256");
        expected.update(Files.readAllBytes(big));
        RawHttp.Response r = get("/big.bin");
        assertThat(r.body().length).isEqualTo(24 << 20);
        assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(r.body())))
                .isEqualTo(HexFormat.of().formatHex(expected.digest()));
        RawHttp.Response part = get("/big.bin", "Range: bytes=1000000-1000099");
        byte[] all = Files.readAllBytes(big);
        assertThat(part.body()).isEqualTo(java.util.Arrays.copyOfRange(all, 1000000, 1000100));
    }

    @Test
    void abandonedDownloadsLeaveNoOpenFiles() throws Exception {
        long before = openFiles();
        for (int i = 0; i < 20; i++) {
            try (RawHttp http = RawHttp.connect(server.port())) {
                http.socket().setReceiveBufferSize(4096);
                http.send(RawHttp.request(server.port(), "GET", "/big.bin"));
                InputStream in = http.socket().getInputStream();
                in.readNBytes(1000);
            }
        }
        Waits.until(Duration.ofSeconds(10), () -> openFiles() <= before + 2,
                "file descriptors back to " + before + " (now " + openFiles() + ")");
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        try (RawHttp http = RawHttp.connect(server.port())) {
            http.send(RawHttp.request(server.port(), "GET", "/script.sh")
                    + RawHttp.request(server.port(), "GET", "/hello.txt")
                    + RawHttp.request(server.port(), "GET", "/nope")
                    + RawHttp.request(server.port(), "GET", "/app.js"));
            assertThat(http.read(false).text()).isEqualTo("from-cgi\n");
            assertThat(http.read(false).text()).isEqualTo("hello world\n");
            assertThat(http.read(false).status()).isEqualTo(404);
            assertThat(http.read(false).text()).isEqualTo("1");
        }
    }

    @Test
    void http10ClosesUnlessKeptAlive() throws Exception {
        try (RawHttp http = RawHttp.connect(server.port())) {
            http.send("GET /hello.txt HTTP/1.0\r\n\r\n");
            RawHttp.Response r = http.read(false);
            assertThat(r.text()).isEqualTo("hello world\n");
            assertThat(http.closedWithin(Duration.ofSeconds(5))).isTrue();
        }
        try (RawHttp http = RawHttp.connect(server.port())) {
            http.send("GET /hello.txt HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
            assertThat(http.read(false).header("Connection")).isEqualToIgnoringCase("keep-alive");
            http.send("GET /app.js HTTP/1.0\r\n\r\n");
            assertThat(http.read(false).text()).isEqualTo("1");
        }
    }

    @Test
    void withoutAWebSocketEndpointUpgradeRequestsAreJustRequests() throws Exception {
        RawHttp.Response r = get("/hello.txt", "Upgrade: websocket", "Connection: Upgrade",
                "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version: 13");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.text()).isEqualTo("hello world\n");
        assertThat(new String(r.body(), StandardCharsets.UTF_8)).doesNotContain(SECRET);
    }

    private static long openFiles() {
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
