package io.wsbridge.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.wsbridge.testing.Client;
import io.wsbridge.testing.ExternalServer;
import io.wsbridge.testing.Scripts;
import io.wsbridge.testing.Waits;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The server as a process: SIGTERM/SIGINT end it in order (1001, children ended, exit 0); exit code 3. */
@Timeout(90)
class ShutdownTest {
    @TempDir
    Path dir;

    private void shutsDownOn(String signal) throws Exception {
        Path script = Scripts.sh(dir, "child.sh", """
                trap '' TERM
                echo $$ >> %s
                echo ready
                exec cat
                """.formatted(dir.resolve("pids")));
        try (ExternalServer server = ExternalServer.start(List.of(), script.toString())) {
            List<Client> clients = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Client c = Client.connect(server.url("/"));
                assertThat(c.nextText(10)).isEqualTo("ready");
                clients.add(c);
            }
            List<Long> pids = Files.readAllLines(dir.resolve("pids")).stream().map(Long::parseLong).toList();
            long start = System.nanoTime();
            server.signal(signal);
            for (Client c : clients) {
                Client.Closed closed = c.awaitClose(10);
                assertThat(closed.code()).isEqualTo(1001);
                c.close();
            }
            assertThat(server.awaitExit(10)).isZero();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            Waits.until(Duration.ofSeconds(5), () -> pids.stream().allMatch(p -> ProcessHandle.of(p).isEmpty()),
                    "no child outlives the server");
            assertThat(server.output()).anyMatch(l -> l.contains("Shutting down"));
        }
    }

    @Test
    void sigtermClosesEveryConnectionWith1001AndEndsEveryChild() throws Exception {
        shutsDownOn("TERM");
    }

    @Test
    void sigintDoesTheSame() throws Exception {
        shutsDownOn("INT");
    }

    /**
     * SIGTERM and SIGINT sent together (one process, microseconds apart): the JVM runs each handler in a thread
     * of its own, and only one may start the shutdown (two raced, and the second threw
     * IllegalThreadStateException on stderr). Three times, as the race is a matter of microseconds.
     */
    @Test
    void termAndIntTogetherStopTheServerOnceAndQuietly() throws Exception {
        for (int i = 0; i < 3; i++) {
            try (ExternalServer server = ExternalServer.start(List.of(), "cat")) {
                Process kill = new ProcessBuilder("python3", "-c", "import os, signal, sys\n"
                        + "p = int(sys.argv[1])\n"
                        + "os.kill(p, signal.SIGTERM); os.kill(p, signal.SIGINT); os.kill(p, signal.SIGTERM)",
                        Long.toString(server.pid())).redirectErrorStream(true).start();
                assertThat(kill.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
                assertThat(server.awaitExit(15)).isZero();
                assertThat(server.output()).noneMatch(l -> l.contains("Exception"))
                        .filteredOn(l -> l.contains("Shutting down")).hasSize(1);
            }
        }
    }

    @Test
    void aPortInUseExitsWithThreeInWebsocketdsWords() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            // epoll's and NIO's bind errors are worded differently; both come out as Go words them.
            for (List<String> transport : List.of(List.<String>of(), List.of("-Dwsbridge.transport=nio"))) {
                ExternalServer server = ExternalServer.launch(transport,
                        List.of("--port=" + taken.getLocalPort(), "--address=127.0.0.1", "cat"));
                assertThat(server.awaitExit(20)).isEqualTo(3);
                // websocketd's (Go's) words, which scripts grep for.
                assertThat(server.output()).as("%s", transport).anyMatch(l -> l.contains("FATAL")
                        && l.contains("Can't start server: listen tcp 127.0.0.1:" + taken.getLocalPort()
                        + ": bind: address already in use"));
            }
        }
    }

    @Test
    void commandLineErrorsExitWithTheirCodes() throws Exception {
        ExternalServer unknown = ExternalServer.launch(List.of(), List.of("--bogus", "cat"));
        assertThat(unknown.awaitExit(20)).isEqualTo(2);
        assertThat(unknown.output()).anyMatch(l -> l.contains("--bogus"));
        ExternalServer missing = ExternalServer.launch(List.of(), List.of("--port=8080"));
        assertThat(missing.awaitExit(20)).isEqualTo(1);
        ExternalServer version = ExternalServer.launch(List.of(), List.of("--version"));
        assertThat(version.awaitExit(20)).isZero();
        assertThat(version.output()).anyMatch(l -> l.startsWith("wsbridge "));
    }
}
