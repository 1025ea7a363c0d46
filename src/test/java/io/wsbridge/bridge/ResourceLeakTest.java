package io.wsbridge.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.wsbridge.testing.RawWebSocket;
import io.wsbridge.testing.TestServer;
import io.wsbridge.testing.Waits;
import java.io.File;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** 500 connect / echo / close cycles leave no descriptor, thread or process behind. */
@Timeout(120)
class ResourceLeakTest {
    private static int openFds() {
        String[] fds = new File("/proc/self/fd").list();
        return fds == null ? -1 : fds.length;
    }

    /** The server's children (cat); not other children of this JVM, such as the browser tests' Chromium. */
    private static long childProcesses() {
        return ProcessHandle.current().children()
                .filter(p -> p.info().command().map(c -> c.endsWith("/cat")).orElse(true))
                .count();
    }

    private static void cycle(TestServer server, int i, boolean closeFrame) throws Exception {
        try (RawWebSocket ws = RawWebSocket.connect(server.port(), "/")) {
            ws.sendText("ping " + i);
            assertThat(ws.readMessage(Duration.ofSeconds(10)).text()).isEqualTo("ping " + i);
            if (closeFrame) {
                ws.sendClose(1000, "");
                assertThat(ws.awaitEof(Duration.ofSeconds(10))).isTrue();
            }
        }
    }

    @Test
    void fiveHundredSessionsLeaveNothingBehind() throws Exception {
        try (TestServer server = TestServer.start("cat")) {
            for (int i = 0; i < 20; i++) {
                cycle(server, i, true); // warm-up: event loop threads, pools and classes come up lazily
            }
            Waits.until(Duration.ofSeconds(10), () -> server.liveChildren() == 0 && childProcesses() == 0,
                    "warm-up children reaped");
            int fdsBefore = openFds();
            int threadsBefore = Thread.activeCount();
            for (int i = 0; i < 500; i++) {
                cycle(server, i, i % 2 == 0); // half close properly, half just drop the connection
            }
            Waits.until(Duration.ofSeconds(20), () -> server.liveChildren() == 0 && childProcesses() == 0,
                    "all children reaped");
            Waits.until(Duration.ofSeconds(10), () -> openFds() <= fdsBefore + 2,
                    "descriptors back to " + fdsBefore + " (now " + openFds() + ")");
            assertThat(Thread.activeCount()).isLessThanOrEqualTo(threadsBefore + 1);
        }
    }
}
