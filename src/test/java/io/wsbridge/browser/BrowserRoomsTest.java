package io.wsbridge.browser;

import io.wsbridge.testing.TestServer;
import io.wsbridge.testing.browser.BrowserPage;
import io.wsbridge.testing.browser.Chromium;
import io.wsbridge.testing.browser.SharedChromium;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** --rooms as browsers see it: two pages of examples/chat/index.html in one room, one program between them. */
@Timeout(120)
@ExtendWith(SharedChromium.class)
class BrowserRoomsTest {
    private static final Path CHAT = Path.of("examples/chat").toAbsolutePath();

    private static void say(BrowserPage page, String name, String text) throws Exception {
        page.evaluate("document.getElementById('name').value = '" + name + "';"
                + "document.getElementById('text').value = '" + text + "';"
                + "document.getElementById('form').requestSubmit(); true");
    }

    private static void awaitLine(BrowserPage page, String line) throws Exception {
        page.waitFor("document.getElementById('log').textContent.split('\\n').includes('" + line + "')",
                Duration.ofSeconds(20), "'" + line + "' in the page's log");
    }

    @Test
    void twoPagesTalkThroughOneProgram(Chromium browser) throws Exception {
        try (TestServer server = TestServer.start("--rooms", "--roomhistory=10", "--staticdir=" + CHAT,
                CHAT.resolve("chat.sh").toString())) {
            String page = "http://127.0.0.1:" + server.port() + "/index.html?room=blue";
            BrowserPage ann = browser.newPage().navigate(page);
            awaitLine(ann, "* connected to ws://127.0.0.1:" + server.port() + "/blue");
            say(ann, "ann", "first!");
            awaitLine(ann, "ann: first!");
            BrowserPage bob = browser.newPage().navigate(page);
            awaitLine(bob, "ann: first!"); // from the room's history
            say(bob, "bob", "hello ann");
            awaitLine(ann, "bob: hello ann");
            awaitLine(bob, "bob: hello ann");
            BrowserPage elsewhere = browser.newPage().navigate(page.replace("room=blue", "room=green"));
            awaitLine(elsewhere, "* connected to ws://127.0.0.1:" + server.port() + "/green");
            say(elsewhere, "eve", "anyone?");
            awaitLine(elsewhere, "eve: anyone?");
            say(ann, "ann", "bye");
            awaitLine(bob, "ann: bye");
            elsewhere.waitFor("!document.getElementById('log').textContent.includes('ann: bye')",
                    Duration.ofSeconds(1), "green to stay apart from blue");
            ann.close();
            bob.close();
            elsewhere.close();
        }
    }
}
