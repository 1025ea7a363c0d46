package io.wsbridge.browser;

import static org.assertj.core.api.Assertions.assertThat;

import io.wsbridge.testing.Scripts;
import io.wsbridge.testing.TestServer;
import io.wsbridge.testing.browser.BrowserPage;
import io.wsbridge.testing.browser.Chromium;
import io.wsbridge.testing.browser.SharedChromium;
import io.wsbridge.testing.browser.Json;
import io.wsbridge.testing.browser.TestPage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Text mode as a web page sees it: a real headless Chromium uses its own WebSocket API against wsbridge
 * (events, readyState, close codes, UTF-8). The page comes from the same server (--staticdir), the
 * endpoints are the scripts of a --dir.
 */
@Timeout(120)
@ExtendWith(SharedChromium.class)
class BrowserWebSocketTest {
    /** Sent through the browser and back: accents, CJK, right-to-left, combining marks, astral characters. */
    static final List<String> TEXTS = List.of("plain ascii", "Grüße, café, naïve", "日本語のテキスト", "مرحبا بالعالم",
            "e\u0301 combining", "emoji 😀🎉👩‍💻", "music 𝄞 and math 𝔸𝕓", "mixed ✓ €100 — “quotes” «»", "");

    @TempDir
    static Path tmp;
    static Chromium browser;
    static TestServer server;
    BrowserPage page;

    @BeforeAll
    static void start(Chromium shared) throws Exception {
        Path scripts = tmp.resolve("scripts");
        Scripts.sh(Files.createDirectories(scripts), "echo.sh", "exec cat");
        Scripts.sh(scripts, "bye.sh", "echo one\necho two\nexit 0");
        Scripts.sh(scripts, "fail.sh", "echo partial\nexit 3");
        Scripts.sh(scripts, "greet.sh", "echo 'Grüße, 世界 😀 𝄞'\nexec cat");
        // Each line read comes back as the hex of its UTF-8 bytes, as the child received them.
        Scripts.sh(scripts, "hex.sh", "while IFS= read -r line; do printf '%s' \"$line\" | od -An -v -tx1 | tr -d ' \\n'; echo; done");
        Scripts.sh(scripts, "badutf8.sh", "printf 'a\\377b\\n'\necho 'still here'\nexec cat");
        server = TestServer.start("--dir=" + scripts, "--staticdir=" + TestPage.writeTo(tmp.resolve("www")));
        browser = shared;
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @BeforeEach
    void openPage() throws Exception {
        page = browser.newPage().navigate("http://127.0.0.1:" + server.port() + "/");
    }

    @AfterEach
    void closePage() throws Exception {
        if (page != null) {
            page.close();
        }
    }

    @SuppressWarnings("unchecked")
    private List<Object> run(String asyncBody) throws Exception {
        return (List<Object>) page.evaluate("(async () => {\n" + asyncBody + "\n})()");
    }

    @Test
    void readyStateGoesConnectingOpenClosingClosed() throws Exception {
        List<Object> events = run("""
                const constants = [WebSocket.CONNECTING, WebSocket.OPEN, WebSocket.CLOSING, WebSocket.CLOSED].join();
                const r = record(wsUrl('/echo.sh'));
                r.events.push('url ' + r.ws.url + ' protocol=' + r.ws.protocol + ' extensions=' + r.ws.extensions
                    + ' binaryType=' + r.ws.binaryType + ' constants=' + constants);
                await r.waitOpen();
                r.ws.send('hi');
                await r.next();
                r.ws.close(1000, 'done');
                r.events.push('closing ' + r.ws.readyState);
                await r.waitClosed();
                return r.events;""");
        assertThat(events).containsExactly("new 0",
                "url ws://127.0.0.1:" + server.port() + "/echo.sh protocol= extensions= binaryType=blob constants=0,1,2,3",
                "open 1", "message text hi 1", "closing 2", "close 1000 '' clean 3");
    }

    @Test
    void childExitingZeroClosesCleanlyWith1000() throws Exception {
        List<Object> events = run("""
                const r = record(wsUrl('/bye.sh'));
                return await r.waitClosed();""");
        assertThat(events).containsExactly("new 0", "open 1", "message text one 1", "message text two 1",
                "close 1000 'exit status 0' clean 3");
    }

    @Test
    void childExitingThreeClosesWith1011AndTheStatus() throws Exception {
        List<Object> events = run("""
                const r = record(wsUrl('/fail.sh'));
                return await r.waitClosed();""");
        assertThat(events).containsExactly("new 0", "open 1", "message text partial 1",
                "close 1011 'exit status 3' clean 3");
    }

    @Test
    void addEventListenerFormsAllFireInOrder() throws Exception {
        List<Object> seen = run("""
                const ws = new WebSocket(wsUrl('/bye.sh'));
                const seen = [];
                const done = new Promise(resolve => {
                  ws.addEventListener('open', e => seen.push('open ' + e.type + ' target=' + (e.target === ws)));
                  ws.addEventListener('message', e => seen.push('A ' + e.data + ' ' + (e instanceof MessageEvent)
                      + ' origin=' + e.origin));
                  ws.addEventListener('message', {handleEvent: e => seen.push('B ' + e.data)});
                  ws.addEventListener('message', e => seen.push('once ' + e.data), {once: true});
                  const removed = () => seen.push('removed listener called');
                  ws.addEventListener('message', removed);
                  ws.removeEventListener('message', removed);
                  ws.onmessage = e => seen.push('onmessage ' + e.data);
                  ws.addEventListener('close', e => {
                    seen.push('close ' + e.code + ' ' + e.reason + ' ' + (e instanceof CloseEvent) + ' ' + e.wasClean);
                    resolve();
                  });
                });
                await within(5000, 'close', done);
                return seen;""");
        String origin = "origin=ws://127.0.0.1:" + server.port();
        assertThat(seen).containsExactly("open open target=true",
                "A one true " + origin, "B one", "once one", "onmessage one",
                "A two true " + origin, "B two", "onmessage two",
                "close 1000 exit status 0 true true");
    }

    @Test
    void nonAsciiTextRoundTrips() throws Exception {
        List<Object> back = run("""
                const r = record(wsUrl('/echo.sh'));
                await r.waitOpen();
                const texts = %s;
                texts.forEach(t => r.ws.send(t));
                const back = [];
                for (const t of texts) back.push(await r.next());
                const long = 'é😀'.repeat(100000);
                r.ws.send(long);
                const longBack = await r.next();
                back.push('long ' + long.length + ' ' + (longBack === long));
                r.ws.close();
                await r.waitClosed();
                return back;""".formatted(Json.write(TEXTS)));
        assertThat(back.subList(0, TEXTS.size())).containsExactlyElementsOf(TEXTS);
        assertThat(back.get(TEXTS.size())).isEqualTo("long 300000 true");
    }

    @Test
    void textIsUtf8OnTheWireBothWays() throws Exception {
        List<Object> got = run("""
                const greet = record(wsUrl('/greet.sh'));
                const greeting = await greet.next();
                greet.ws.close();
                const hex = record(wsUrl('/hex.sh'));
                await hex.waitOpen();
                const texts = %s;
                texts.forEach(t => hex.ws.send(t));
                const bytes = [];
                for (const t of texts) bytes.push(await hex.next());
                hex.ws.close();
                await greet.waitClosed();
                await hex.waitClosed();
                return [greeting].concat(bytes);""".formatted(Json.write(TEXTS)));
        assertThat(got.get(0)).isEqualTo("Grüße, 世界 😀 𝄞");
        for (int i = 0; i < TEXTS.size(); i++) {
            assertThat(got.get(i + 1)).as(TEXTS.get(i))
                    .isEqualTo(HexFormat.of().formatHex(TEXTS.get(i).getBytes(StandardCharsets.UTF_8)));
        }
    }

    @Test
    void invalidUtf8FromTheChildArrivesAsReplacementAndTheConnectionLives() throws Exception {
        List<Object> events = run("""
                const r = record(wsUrl('/badutf8.sh'));
                await r.next();
                await r.next();
                r.ws.send('ping');
                await r.next();
                r.ws.close();
                return await r.waitClosed();""");
        assertThat(events).containsExactly("new 0", "open 1", "message text a\uFFFDb 1", "message text still here 1",
                "message text ping 1", "close 1005 '' clean 3");
    }

    @Test
    void aMissingScriptIsAnErrorThenAnUncleanClose() throws Exception {
        List<Object> events = run("""
                const r = record(wsUrl('/missing.sh'));
                return await r.waitClosed();""");
        assertThat(events).containsExactly("new 0", "error 3", "close 1006 '' unclean 3");
        page.awaitRefusedHandshake(server.url("/missing.sh"), 404);
    }
}
