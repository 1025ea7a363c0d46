package io.wsbridge.browser;

import static org.assertj.core.api.Assertions.assertThat;

import io.wsbridge.testing.Scripts;
import io.wsbridge.testing.TestServer;
import io.wsbridge.testing.browser.BrowserPage;
import io.wsbridge.testing.browser.Chromium;
import io.wsbridge.testing.browser.SharedChromium;
import io.wsbridge.testing.browser.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The --devconsole page used as a person uses it: real mouse clicks (DevTools input events at the element's
 * position) and typing, against its documented element ids (#url, #connect, #disconnect, #message, #send,
 * #state, #log; see console.html). Runs under the page's own strict Content-Security-Policy.
 */
@Timeout(120)
@ExtendWith(SharedChromium.class)
class BrowserDevConsoleTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    static Path tmp;
    static Chromium browser;
    static TestServer server;

    @BeforeAll
    static void start(Chromium shared) throws Exception {
        Path scripts = Files.createDirectories(tmp.resolve("scripts"));
        Scripts.sh(scripts, "echo.sh", "exec cat");
        Scripts.sh(scripts, "fail.sh", "echo partial\nexit 3");
        server = TestServer.start("--devconsole", "--dir=" + scripts);
        browser = shared;
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static String text(BrowserPage page, String selector) throws Exception {
        return page.evaluateString("document.querySelector('" + selector + "').textContent");
    }

    @SuppressWarnings("unchecked")
    private static List<Object> logEntries(BrowserPage page) throws Exception {
        return (List<Object>) page.evaluate(
                "Array.from(document.querySelectorAll('#log > div'), d => d.className + ' | ' + d.textContent)");
    }

    private static void awaitLogEntry(BrowserPage page, String entry) throws Exception {
        page.waitFor("Array.from(document.querySelectorAll('#log > div'), d => d.className + ' | ' + d.textContent)"
                + ".includes(" + Json.write(entry) + ")", WAIT, "log entry " + entry);
    }

    @Test
    void connectSendSeeTheEchoAndDisconnectByClicking() throws Exception {
        String wsUrl = server.url("/echo.sh?room=1");
        try (BrowserPage page = browser.newPage().navigate("http://127.0.0.1:" + server.port() + "/echo.sh?room=1")) {
            page.evaluate("window.clicks = []; document.addEventListener('click', "
                    + "e => clicks.push((e.target.id || e.target.tagName) + (e.isTrusted ? ' trusted' : ' synthetic')),"
                    + " true); true");
            assertThat(page.evaluate("document.querySelector('#url').value")).isEqualTo(wsUrl);
            assertThat(text(page, "#state")).isEqualTo("CLOSED");

            page.click("#send"); // disabled while closed: nothing happens
            assertThat(logEntries(page)).isEmpty();

            page.click("#connect");
            page.waitFor("document.querySelector('#state').textContent === 'OPEN'", WAIT, "state OPEN");
            awaitLogEntry(page, "open | OPEN " + wsUrl);
            assertThat(page.evaluate("document.activeElement.id")).as("focus moves to the message").isEqualTo("message");

            page.click("#message");
            page.type("héllo 😀 wsbridge");
            page.click("#send");
            awaitLogEntry(page, "received | RECV: héllo 😀 wsbridge");
            assertThat(page.evaluate("document.querySelector('#message').value")).isEqualTo("");

            page.type("sent with Enter");
            page.pressEnter();
            awaitLogEntry(page, "received | RECV: sent with Enter");

            page.click("#disconnect");
            awaitLogEntry(page, "close | CLOSE code=1000 reason= wasClean=true");
            page.waitFor("document.querySelector('#state').textContent === 'CLOSED'", WAIT, "state CLOSED");
            assertThat(page.evaluate("document.querySelector('#connect').disabled")).isEqualTo(false);
            assertThat(page.evaluate("document.querySelector('#send').disabled")).isEqualTo(true);

            assertThat(logEntries(page)).containsExactly(
                    "open | OPEN " + wsUrl,
                    "sent | SEND: héllo 😀 wsbridge",
                    "received | RECV: héllo 😀 wsbridge",
                    "sent | SEND: sent with Enter",
                    "received | RECV: sent with Enter",
                    "close | CLOSE code=1000 reason= wasClean=true");
            // Real input events (isTrusted); the first click on the disabled #send never became a click event.
            assertThat(page.evaluate("clicks")).isEqualTo(List.of("connect trusted", "message trusted", "send trusted",
                    "disconnect trusted"));
            assertThat(page.log()).as("no CSP violations or script errors").isEmpty();
        }
    }

    @Test
    void theConsoleShowsHowTheConnectionEnded() throws Exception {
        try (BrowserPage page = browser.newPage().navigate("http://127.0.0.1:" + server.port() + "/fail.sh")) {
            page.click("#connect");
            awaitLogEntry(page, "close | CLOSE code=1011 reason=exit status 3 wasClean=true");
            page.waitFor("!document.querySelector('#connect').disabled", WAIT, "Connect enabled again");
            page.click("#connect"); // and again: the page can reconnect
            page.waitFor("document.querySelectorAll('#log > .close').length === 2", WAIT, "the second close");

            page.click("#url");
            page.evaluate("document.querySelector('#url').select()");
            page.type(server.url("/missing.sh"));
            page.click("#connect");
            awaitLogEntry(page, "close | CLOSE code=1006 reason= wasClean=false");

            String open = "open | OPEN " + server.url("/fail.sh");
            String story = "received | RECV: partial";
            String end = "close | CLOSE code=1011 reason=exit status 3 wasClean=true";
            assertThat(logEntries(page)).containsExactly(open, story, end, open, story, end,
                    "error | ERROR", "close | CLOSE code=1006 reason= wasClean=false");
            page.awaitRefusedHandshake(server.url("/missing.sh"), 404);
        }
    }
}
