package io.wsbridge.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.wsbridge.cli.Config;
import io.wsbridge.cli.ConfigParser;
import io.wsbridge.server.ListenException;
import io.wsbridge.server.WsbridgeServer;
import io.wsbridge.testing.Client;
import io.wsbridge.testing.ExternalServer;
import io.wsbridge.testing.RawWebSocket;
import io.wsbridge.testing.Scripts;
import io.wsbridge.testing.TestServer;
import io.wsbridge.testing.UnixSocketClient;
import io.wsbridge.testing.Waits;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** --unixsocket: a Unix domain socket as well as, or instead of, TCP; stale, live and foreign files. */
@Timeout(60)
class UnixSocketTest {
    @TempDir
    Path dir;

    /** The server exactly as the command line says (no --address added, so TCP only if asked for). */
    private static WsbridgeServer startExactly(String... args) throws Exception {
        ConfigParser.Outcome outcome = new ConfigParser(System.getenv()).parse(args);
        assertThat(outcome).isInstanceOf(ConfigParser.Run.class);
        Config config = ((ConfigParser.Run) outcome).config();
        WsbridgeServer server = new WsbridgeServer(config, System.getenv());
        server.start();
        return server;
    }

    private static String echoThrough(Path socket, String text) throws Exception {
        try (UnixSocketClient c = UnixSocketClient.upgrade(socket, "/")) {
            assertThat(c.status()).isEqualTo(101);
            c.sendText(text);
            return c.readMessage(Duration.ofSeconds(10)).text();
        }
    }

    @Test
    void unixSocketClientsGetTheirOwnRemoteVariablesAlongsideTcp() throws Exception {
        Path sock = dir.resolve("ws.sock");
        Path script = Scripts.sh(dir, "remote.sh", """
                echo "REMOTE_ADDR=$REMOTE_ADDR"
                echo "REMOTE_HOST=$REMOTE_HOST"
                echo "REMOTE_PORT=$REMOTE_PORT"
                echo "HTTP_HOST=$HTTP_HOST"
                echo "PORT_IS_SET=${REMOTE_PORT+yes}"
                exec cat
                """);
        try (TestServer server = TestServer.start("--unixsocket=" + sock, script.toString())) {
            Map<String, String> env = new TreeMap<>();
            try (UnixSocketClient c = UnixSocketClient.upgrade(sock, "/room?x=1")) {
                assertThat(c.status()).isEqualTo(101);
                for (int i = 0; i < 5; i++) {
                    String line = c.readMessage(Duration.ofSeconds(10)).text();
                    env.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
                }
                c.sendText("over the unix socket");
                assertThat(c.readMessage(Duration.ofSeconds(10)).text()).isEqualTo("over the unix socket");
            }
            assertThat(env).containsEntry("REMOTE_ADDR", "unix-socket").containsEntry("REMOTE_HOST", "unix-socket")
                    .containsEntry("REMOTE_PORT", "").containsEntry("PORT_IS_SET", "yes")
                    .containsEntry("HTTP_HOST", "localhost");
            try (Client tcp = Client.connect(server.url("/"))) {
                assertThat(tcp.nextText(10)).isEqualTo("REMOTE_ADDR=127.0.0.1");
            }
        }
        assertThat(sock).as("removed on exit").doesNotExist();
    }

    @Test
    void onlyTheUnixSocketWhenNoTcpFlagIsGiven() throws Exception {
        Path sock = dir.resolve("only.sock");
        WsbridgeServer server = startExactly("--unixsocket=" + sock, "cat");
        try {
            assertThat(server.boundAddresses()).as("no TCP listener").isEmpty();
            assertThat(echoThrough(sock, "hello")).isEqualTo("hello");
        } finally {
            server.shutdown();
        }
        assertThat(sock).doesNotExist();
    }

    @Test
    void refusesToStartOnASocketAnotherServerIsListeningOn() throws Exception {
        Path sock = dir.resolve("live.sock");
        WsbridgeServer first = startExactly("--unixsocket=" + sock, "cat");
        try {
            ConfigParser.Run run = (ConfigParser.Run) new ConfigParser(System.getenv())
                    .parse("--unixsocket=" + sock, "cat");
            WsbridgeServer second = new WsbridgeServer(run.config(), System.getenv());
            Throwable t = catchThrowable(second::start);
            assertThat(t).isInstanceOf(ListenException.class).hasMessageContaining("another server is listening")
                    .hasMessageContaining(" is already in use");
            second.awaitTermination();
            // The live server keeps its socket and goes on serving.
            assertThat(echoThrough(sock, "still mine")).isEqualTo("still mine");
        } finally {
            first.shutdown();
        }
    }

    @Test
    void removesAStaleSocketNobodyListensOn() throws Exception {
        Path sock = dir.resolve("stale.sock");
        try (ServerSocketChannel old = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            old.bind(UnixDomainSocketAddress.of(sock));
        } // closed without removing the file, like a server that crashed
        assertThat(sock).exists();
        WsbridgeServer server = startExactly("--unixsocket=" + sock, "cat");
        try {
            assertThat(echoThrough(sock, "fresh")).isEqualTo("fresh");
        } finally {
            server.shutdown();
        }
    }

    @Test
    void refusesAPathThatIsNotASocketAndLeavesItAlone() throws Exception {
        Path file = Files.writeString(dir.resolve("precious.txt"), "do not delete");
        Path link = dir.resolve("link.sock");
        Files.createSymbolicLink(link, file);
        for (Path p : List.of(file, link, dir)) {
            ConfigParser.Run run = (ConfigParser.Run) new ConfigParser(System.getenv())
                    .parse("--unixsocket=" + p, "cat");
            WsbridgeServer server = new WsbridgeServer(run.config(), System.getenv());
            assertThat(catchThrowable(server::start)).as("%s", p).isInstanceOf(ListenException.class)
                    .hasMessageContaining("not a socket");
            server.awaitTermination();
        }
        assertThat(Files.readString(file)).isEqualTo("do not delete");
        assertThat(Files.isSymbolicLink(link)).isTrue();
    }

    /**
     * As its own process with the NIO transport (Java's own Unix sockets): the banner, a live socket refused
     * with exit 3, and the file removed when the server ends on SIGTERM.
     */
    @Test
    void asAProcessWithNioBannerExitCode3AndCleanup() throws Exception {
        Path sock = dir.resolve("proc.sock");
        ExternalServer server = ExternalServer.launch(List.of("-Dwsbridge.transport=nio"),
                List.of("--unixsocket=" + sock, "cat"));
        try {
            Waits.until(Duration.ofSeconds(20), () -> !server.process().isAlive() || server.output().stream()
                    .anyMatch(l -> l.contains("Starting WebSocket server   : unix socket at " + sock)), "banner");
            assertThat(server.process().isAlive()).as("running: %s", server.output()).isTrue();
            assertThat(echoThrough(sock, "via nio")).isEqualTo("via nio");
            ExternalServer second = ExternalServer.launch(List.of(), List.of("--unixsocket=" + sock, "cat"));
            assertThat(second.awaitExit(20)).isEqualTo(3);
            assertThat(second.output()).anyMatch(l -> l.contains("Can't start server")
                    && l.contains("another server is listening") && l.contains(" is already in use"));
            assertThat(echoThrough(sock, "unharmed")).isEqualTo("unharmed");
            server.signal("TERM");
            assertThat(server.awaitExit(20)).isZero();
            assertThat(sock).doesNotExist();
        } finally {
            server.close();
        }
    }

    @Test
    void unixSocketWithTcpFlagsListensOnBoth() throws Exception {
        Path sock = dir.resolve("both.sock");
        try (TestServer server = TestServer.start("--unixsocket=" + sock, "cat")) {
            assertThat(RawWebSocket.tryUpgrade(server.port(), "/", Map.of()).status()).isEqualTo(101);
            assertThat(echoThrough(sock, "both")).isEqualTo("both");
        }
    }
}
