package io.wsbridge.browser;

import static org.assertj.core.api.Assertions.assertThat;

import io.wsbridge.testing.Scripts;
import io.wsbridge.testing.TestServer;
import io.wsbridge.testing.browser.BrowserPage;
import io.wsbridge.testing.browser.Chromium;
import io.wsbridge.testing.browser.TestPage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * --compress as a browser uses it: headless Chromium offers permessage-deflate on its own, wsbridge accepts,
 * and text and binary messages of every size come back exactly (Chromium fails the connection on anything it
 * cannot inflate). With --framing=lengthprefixed, so text and binary both go through one `cat`.
 */
@Timeout(120)
class BrowserCompressionTest {
    @TempDir
    static Path tmp;
    static Chromium browser;
    static TestServer server;
    BrowserPage page;

    @BeforeAll
    static void start() throws Exception {
        Path scripts = Files.createDirectories(tmp.resolve("scripts"));
        Scripts.sh(scripts, "echo.sh", "exec cat");
        server = TestServer.start("--compress", "--framing=lengthprefixed", "--maxframesize=8m",
                "--dir=" + scripts, "--staticdir=" + TestPage.writeTo(tmp.resolve("www")));
        browser = Chromium.launch();
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
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
    void chromiumNegotiatesCompressionAndEverythingComesBackExactly() throws Exception {
        List<Object> results = run("""
                const r = record(wsUrl('/echo.sh'), 'arraybuffer');
                await r.waitOpen();
                const out = ['extensions=' + r.ws.extensions];
                const chat = n => JSON.stringify({user: 'alice', text: 'line ' + n + '\\nof chat, how is everyone?'});
                for (let i = 0; i < 20; i++) {
                  r.ws.send(chat(i));
                  const back = await r.next();
                  if (back !== chat(i)) out.push('text ' + i + ' differs');
                }
                for (const size of [0, 1, 125, 126, 65535, 65536, 3 * 1024 * 1024]) {
                  const data = new Uint8Array(size);
                  for (let i = 0; i < size; i++) data[i] = i < size / 2 ? 7 : (i * 2654435761) >>> 24;
                  r.ws.send(data);
                  const back = await bytesOf(await r.next(20000));
                  out.push('binary ' + size + ' ' + (firstDifference(data, back) === -1 ? 'same' : 'differs'));
                  const text = 'é'.repeat(size / 2) + '\\n';
                  r.ws.send(text);
                  out.push('text ' + size + ' ' + ((await r.next(20000)) === text ? 'same' : 'differs'));
                }
                r.ws.close(1000, 'done');
                await r.waitClosed();
                out.push(r.events[r.events.length - 1]);
                return out;""");
        assertThat(results).containsExactly("extensions=permessage-deflate",
                "binary 0 same", "text 0 same", "binary 1 same", "text 1 same", "binary 125 same", "text 125 same",
                "binary 126 same", "text 126 same", "binary 65535 same", "text 65535 same",
                "binary 65536 same", "text 65536 same", "binary 3145728 same", "text 3145728 same",
                "close 1000 '' clean 3");
    }
}
