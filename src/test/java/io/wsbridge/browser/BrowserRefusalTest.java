package io.wsbridge.browser;

import static org.assertj.core.api.Assertions.assertThat;

import io.wsbridge.testing.Scripts;
import io.wsbridge.testing.TestServer;
import io.wsbridge.testing.Waits;
import io.wsbridge.testing.browser.BrowserPage;
import io.wsbridge.testing.browser.Chromium;
import io.wsbridge.testing.browser.SharedChromium;
import io.wsbridge.testing.browser.TestPage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a page sees when wsbridge says no or goes away: a refused upgrade (origin, --maxforks) is an error
 * event then an unclean 1006 close, with the HTTP status in the browser's log; a server shutdown is a
 * close with 1001. Each test has a server of its own (its flags differ); the browser is shared.
 */
@Timeout(120)
@ExtendWith(SharedChromium.class)
class BrowserRefusalTest {
    @TempDir
    static Path tmp;
    static Path scripts;
    static Path www;
    static Chromium browser;

    @BeforeAll
    static void start(Chromium shared) throws Exception {
        scripts = Files.createDirectories(tmp.resolve("scripts"));
        Scripts.sh(scripts, "echo.sh", "exec cat");
        www = TestPage.writeTo(tmp.resolve("www"));
        browser = shared;
    }

    private static TestServer server(String... flags) throws Exception {
        List<String> args = new ArrayList<>(List.of(flags));
        args.add("--dir=" + scripts);
        args.add("--staticdir=" + www);
        return TestServer.start(args.toArray(String[]::new));
    }

    @SuppressWarnings("unchecked")
    private static List<Object> run(BrowserPage page, String asyncBody) throws Exception {
        return (List<Object>) page.evaluate("(async () => {\n" + asyncBody + "\n})()");
    }

    private static final String CONNECT_AND_ECHO = """
            const r = record(wsUrl('/echo.sh'));
            r.ws.addEventListener('error', e => r.events.push('error listener ' + e.type));
            await within(5000, 'open or close', Promise.race([r.opened, r.closed]).catch(() => {}));
            if (r.ws.readyState === WebSocket.OPEN) {
              r.ws.send('hello');
              await r.next();
              r.ws.close(1000);
            }
            return await r.waitClosed();""";

    @Test
    void aRefusedOriginIsAnErrorEventThenAnUncleanClose() throws Exception {
        try (TestServer server = server("--origin=127.0.0.1")) {
            try (BrowserPage refused = browser.newPage().navigate("http://localhost:" + server.port() + "/")) {
                assertThat(run(refused, CONNECT_AND_ECHO))
                        .containsExactly("new 0", "error 3", "error listener error", "close 1006 '' unclean 3");
                refused.awaitRefusedHandshake("ws://localhost:" + server.port() + "/echo.sh", 403);
            }
            try (BrowserPage admitted = browser.newPage().navigate("http://127.0.0.1:" + server.port() + "/")) {
                assertThat(run(admitted, CONNECT_AND_ECHO))
                        .containsExactly("new 0", "open 1", "message text hello 1", "close 1000 '' clean 3");
            }
        }
    }

    @Test
    void overMaxforksIsAnErrorEventAndTheSlotComesBack() throws Exception {
        try (TestServer server = server("--maxforks=1");
             BrowserPage page = browser.newPage().navigate("http://127.0.0.1:" + server.port() + "/")) {
            List<Object> events = run(page, """
                    const first = record(wsUrl('/echo.sh'));
                    await first.waitOpen();
                    const second = record(wsUrl('/echo.sh'));
                    await second.waitClosed();
                    first.ws.close(1000);
                    await first.waitClosed();
                    return first.events.concat(['--'], second.events);""");
            assertThat(events).containsExactly("new 0", "open 1", "close 1000 '' clean 3", "--",
                    "new 0", "error 3", "close 1006 '' unclean 3");
            page.awaitRefusedHandshake(server.url("/echo.sh"), 429);

            Waits.until(Duration.ofSeconds(10), () -> server.liveChildren() == 0, "the first child to end");
            assertThat(run(page, CONNECT_AND_ECHO))
                    .containsExactly("new 0", "open 1", "message text hello 1", "close 1000 '' clean 3");
        }
    }

    /** Cleanly: before the server waited for the browser's close frame, one shutdown in five was unclean. */
    @Test
    void serverShutdownClosesCleanlyWith1001() throws Exception {
        TestServer server = server();
        try (BrowserPage page = browser.newPage().navigate("http://127.0.0.1:" + server.port() + "/")) {
            page.evaluate("""
                    (async () => {
                      window.shutdownProbe = record(wsUrl('/echo.sh'));
                      await shutdownProbe.waitOpen();
                      shutdownProbe.ws.send('before');
                      await shutdownProbe.next();
                    })()""");
            server.close();
            assertThat(run(page, "return await shutdownProbe.waitClosed(10000);")).containsExactly("new 0",
                    "open 1", "message text before 1", "close 1001 'server shutting down' clean 3");
        } finally {
            server.close();
        }
    }
}
