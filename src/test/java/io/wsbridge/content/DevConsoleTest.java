package io.wsbridge.content;

import static org.assertj.core.api.Assertions.assertThat;

import io.wsbridge.testing.Client;
import io.wsbridge.testing.RawHttp;
import io.wsbridge.testing.Scripts;
import io.wsbridge.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** --devconsole: one fixed page for every plain request, nothing from the request in it, strict CSP. */
@Timeout(60)
class DevConsoleTest {
    @TempDir
    static Path tmp;
    static TestServer server;
    static RawHttp.Response home;

    @BeforeAll
    static void start() throws Exception {
        Path echo = Scripts.sh(tmp, "echo.sh", "exec cat");
        server = TestServer.start("--devconsole", "--header-http=X-Frame-Test: 1", echo.toString());
        home = RawHttp.get(server.port(), "/");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void thePageHasTheDocumentedControls() {
        assertThat(home.status()).isEqualTo(200);
        assertThat(home.header("Content-Type")).isEqualTo("text/html; charset=utf-8");
        assertThat(home.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(home.header("X-Frame-Test")).isEqualTo("1");
        String page = home.text();
        for (String id : new String[] {"url", "connect", "disconnect", "message", "send", "log", "state"}) {
            assertThat(page).as(id).contains("id=\"" + id + "\"").contains("#" + id);
        }
        assertThat(page).contains("location.protocol === 'https:' ? 'wss://' : 'ws://'")
                .contains("wasClean").doesNotContain("innerHTML");
    }

    @Test
    void everyPathAndMethodGetsTheSameBytes() throws Exception {
        for (String p : new String[] {"/anything", "/a/b/c?x=1", "/%3Cscript%3Ealert(1)%3C/script%3E",
                "/<script>alert(1)</script>", "/\"><img%20src=x%20onerror=alert(1)>?q='\"<>",
                "/?url=javascript:alert(1)"}) {
            RawHttp.Response r = RawHttp.get(server.port(), p);
            assertThat(r.status()).as(p).isEqualTo(200);
            assertThat(r.body()).as("no request data reflected for %s", p).isEqualTo(home.body());
        }
        RawHttp.Response evilHost = RawHttp.get(server.port(), "/", "X-Forwarded-Host: \"><script>x</script>");
        assertThat(evilHost.body()).isEqualTo(home.body());
        try (RawHttp http = RawHttp.connect(server.port())) {
            http.send("GET / HTTP/1.1\r\nHost: \"><script>alert(1)</script>\r\n\r\n");
            RawHttp.Response r = http.read(false);
            assertThat(r.status()).as("an invalid Host is refused (RFC 9112 3.2)").isEqualTo(400);
            assertThat(new String(r.body(), java.nio.charset.StandardCharsets.UTF_8)).doesNotContain("<script>");
        }
        assertThat(RawHttp.exchange(server.port(), "POST", "/x", "Content-Length: 3").status()).isEqualTo(200);
        RawHttp.Response head = RawHttp.exchange(server.port(), "HEAD", "/x");
        assertThat(head.status()).isEqualTo(200);
        assertThat(head.header("Content-Length")).isEqualTo(Integer.toString(home.body().length));
    }

    @Test
    void contentSecurityPolicyAllowsExactlyThePagesOwnScriptAndStyle() throws Exception {
        String csp = home.header("Content-Security-Policy");
        assertThat(csp).contains("default-src 'none'").contains("connect-src ws: wss:")
                .contains("frame-ancestors 'none'").contains("base-uri 'none'").doesNotContain("unsafe-inline");
        String page = home.text();
        assertThat(csp).contains("script-src " + hash(inline(page, "script")) + ";");
        assertThat(csp).contains("style-src " + hash(inline(page, "style")) + ";");
    }

    @Test
    void upgradesStillReachTheProgram() throws Exception {
        try (Client c = Client.connect(server.url("/any/path"))) {
            c.send("hi");
            assertThat(c.nextText(10)).isEqualTo("hi");
        }
    }

    private static String inline(String page, String tag) {
        Matcher m = Pattern.compile("<" + tag + ">(.*?)</" + tag + ">", Pattern.DOTALL).matcher(page);
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    private static String hash(String text) throws Exception {
        byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        return "'sha256-" + Base64.getEncoder().encodeToString(d) + "'";
    }
}
