package io.wsbridge.abuse;

import static org.assertj.core.api.Assertions.assertThat;

import io.wsbridge.testing.RawWebSocket;
import io.wsbridge.testing.ResourceBaseline;
import io.wsbridge.testing.TestServer;
import io.wsbridge.testing.Waits;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The six defects of issue 13, each against the real server with real sockets: every test here failed before
 * its fix. Each also checks that the server holds nothing afterwards.
 */
@Timeout(60)
class HostileClientTest {
    private static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";

    private static String handshake(String path, String... headerLines) {
        StringBuilder r = new StringBuilder("GET " + path + " HTTP/1.1\r\n");
        for (String h : headerLines) {
            r.append(h).append("\r\n");
        }
        return r.append("\r\n").toString();
    }

    private static final String[] WS = {"Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Key: " + KEY,
        "Sec-WebSocket-Version: 13"};

    private static String[] with(String... extra) {
        List<String> all = new ArrayList<>(List.of(extra));
        all.addAll(List.of(WS));
        return all.toArray(String[]::new);
    }

    private static void warmUp(TestServer server) throws IOException {
        try (RawWebSocket ws = RawWebSocket.connect(server.port(), "/")) {
            ws.sendText("warm");
            assertThat(ws.readMessage(Duration.ofSeconds(10)).text()).isEqualTo("warm");
        }
    }

    /** 1: RFC 9112 3.2 and RFC 6455 4.2.1 / 11.3: such requests get 400 and no program starts. */
    @Test
    void invalidHandshakesAreRefusedWith400() throws Exception {
        try (TestServer server = TestServer.start("cat")) {
            warmUp(server);
            ResourceBaseline baseline = ResourceBaseline.of(server);
            String host = "Host: 127.0.0.1:" + server.port();
            String[][] cases = {
                with(),                                                   // no Host
                with(host, "Host: evil.example"),                         // two Host fields
                with("Host: 127.0.0.1 evil"),                             // a space in Host
                with("Host: 127.0.0.1:80x"),                              // a port that is not a number
                with(host, "Sec-WebSocket-Key: " + KEY),                  // two keys
                with(host, "Sec-WebSocket-Version: 13"),                  // two versions
            };
            for (String[] headers : cases) {
                RawWebSocket.HttpReply reply = RawWebSocket.rawRequest(server.port(), handshake("/", headers));
                assertThat(reply.status()).as("%s", List.of(headers)).isEqualTo(400);
            }
            for (String path : new String[] {"/a\u0001b", "/a%00b", "/a%1B[31mred", "/x%7f"}) {
                RawWebSocket.HttpReply reply = RawWebSocket.rawRequest(server.port(), handshake(path, with(host)));
                assertThat(reply.status()).as("path %s", path.replace("\u0001", "\\x01")).isEqualTo(400);
            }
            assertThat(server.liveChildren()).isZero();
            baseline.assertRestored(Duration.ofSeconds(10));
            warmUp(server); // and the server still serves
        }
    }

    /**
     * 2: a client that neither reads nor answers pings while its program writes without end: the program is
     * stopped after two ping intervals, and the connection must go too, in the JVM and in the kernel (before:
     * ESTABLISHED for ever, MBs queued behind the close frame). The same after a protocol violation from such
     * a client, and after its own close frame.
     */
    @Test
    void aClientThatStopsReadingIsDroppedAfterTheCloseDeadline() throws Exception {
        try (TestServer server = TestServer.start("--pingms=300", "--binary", "cat", "/dev/zero")) {
            try (RawWebSocket ws = RawWebSocket.connect(server.port(), "/")) {
                assertThat(ws.readFrame(Duration.ofSeconds(10)).opcode()).isEqualTo(RawWebSocket.BINARY);
            }
            Waits.until(Duration.ofSeconds(10), () -> server.liveChildren() == 0, "warm-up session over");
            ResourceBaseline baseline = ResourceBaseline.of(server);
            for (String how : new String[] {"silent", "protocol violation", "close frame"}) {
                try (RawWebSocket ws = RawWebSocket.connect(server.port(), "/", java.util.Map.of(), 4096)) {
                    // Let the flood fill every buffer on the way, so that nothing more can be written.
                    Thread.sleep(200);
                    switch (how) {
                        case "protocol violation" -> ws.sendRaw(RawWebSocket.frame(RawWebSocket.TEXT, true,
                                "x".getBytes(StandardCharsets.UTF_8), true, 4));
                        case "close frame" -> ws.sendClose(1000, "");
                        default -> { }
                    }
                    long start = System.nanoTime();
                    // The client reads nothing; the server must let it go within ping timeout + close deadline.
                    Waits.until(Duration.ofSeconds(10), () -> server.server().openConnections() == 0
                                    && ServerSockets.connected(server.port()) == 0,
                            () -> "server dropped the non-reading client (open: " + server.server().openConnections()
                                    + ", kernel sockets: " + ServerSockets.connected(server.port()) + ")");
                    long ms = (System.nanoTime() - start) / 1_000_000;
                    System.out.printf("non-reading client (%s) dropped after %d ms%n", how, ms);
                }
            }
            baseline.assertRestored(Duration.ofSeconds(10));
        }
    }

    /** 4: one header byte a second would hold a connection for ever; --headertimeoutms ends it with 408. */
    @Test
    void slowRequestHeadsGet408AtTheHeaderDeadline() throws Exception {
        try (TestServer server = TestServer.start("--headertimeoutms=800", "cat")) {
            warmUp(server);
            ResourceBaseline baseline = ResourceBaseline.of(server);
            List<Socket> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 20; i++) {
                    Socket s = new Socket();
                    s.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
                    s.setSoTimeout(5000);
                    s.getOutputStream().write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.US_ASCII));
                    clients.add(s);
                }
                long start = System.nanoTime();
                byte[] drip = "X-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".getBytes(StandardCharsets.US_ASCII);
                String first = null;
                for (int i = 0; i < drip.length && first == null; i++) {
                    for (Socket s : clients) {
                        try {
                            s.getOutputStream().write(drip[i]); // faster than the idle timer, slower than the head
                        } catch (IOException closed) {
                            // answered and closed already
                        }
                    }
                    Thread.sleep(100);
                    if (clients.get(0).getInputStream().available() > 0) {
                        first = "answered";
                    }
                }
                for (Socket s : clients) {
                    String response = readAll(s.getInputStream());
                    assertThat(response).startsWith("HTTP/1.1 408");
                }
                long ms = (System.nanoTime() - start) / 1_000_000;
                assertThat(ms).as("408 at the deadline, not at the idle timeout").isLessThan(4000);
            } finally {
                for (Socket s : clients) {
                    s.close();
                }
            }
            baseline.assertRestored(Duration.ofSeconds(10));
            warmUp(server);
        }
    }

    private static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] b = new byte[1024];
        int n;
        try {
            while ((n = in.read(b)) > 0) {
                out.write(b, 0, n);
            }
        } catch (IOException reset) {
            // closed
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    /** 5: a header announcing more than --maxframesize gets 1009 at once, before any payload. */
    @Test
    void aFrameAnnouncingMoreThanTheLimitIsRefusedAtOnce() throws Exception {
        try (TestServer server = TestServer.start("--maxframesize=1024", "cat")) {
            warmUp(server);
            ResourceBaseline baseline = ResourceBaseline.of(server);
            for (long announced : new long[] {Long.MAX_VALUE, 1L << 32, 1025}) {
                try (RawWebSocket ws = RawWebSocket.connect(server.port(), "/")) {
                    ByteBuffer h = ByteBuffer.allocate(14);
                    h.put((byte) 0x82).put((byte) (0x80 | 127)).putLong(announced).putInt(0x12345678);
                    ws.sendRaw(h.array()); // the header only: no payload follows
                    RawWebSocket.Frame close = ws.awaitClose(Duration.ofSeconds(3));
                    assertThat(close).as("close frame for a frame of %d bytes", announced).isNotNull();
                    assertThat(close.closeCode()).isEqualTo(1009);
                    assertThat(ws.awaitEof(Duration.ofSeconds(5))).isTrue();
                }
            }
            baseline.assertRestored(Duration.ofSeconds(10));
        }
    }

    /** 6: frames in the same TCP segment as the upgrade request reach the program. */
    @Test
    void framesInTheSameSegmentAsTheUpgradeAreNotLost() throws Exception {
        try (TestServer server = TestServer.start("cat")) {
            warmUp(server);
            ResourceBaseline baseline = ResourceBaseline.of(server);
            ByteArrayOutputStream early = new ByteArrayOutputStream();
            early.write(RawWebSocket.frame(RawWebSocket.TEXT, true, "first".getBytes(StandardCharsets.UTF_8), true, 0));
            early.write(RawWebSocket.frame(RawWebSocket.TEXT, false, "sec".getBytes(StandardCharsets.UTF_8), true, 0));
            early.write(RawWebSocket.frame(RawWebSocket.CONTINUATION, true, "ond".getBytes(StandardCharsets.UTF_8),
                    true, 0));
            try (RawWebSocket ws = RawWebSocket.connectWithEarlyBytes(server.port(), "/", early.toByteArray())) {
                assertThat(ws.readMessage(Duration.ofSeconds(10)).text()).isEqualTo("first");
                assertThat(ws.readMessage(Duration.ofSeconds(10)).text()).isEqualTo("second");
                ws.sendText("third");
                assertThat(ws.readMessage(Duration.ofSeconds(10)).text()).isEqualTo("third");
                ws.sendClose(1000, "");
                assertThat(ws.awaitEof(Duration.ofSeconds(5))).isTrue();
            }
            baseline.assertRestored(Duration.ofSeconds(10));
        }
    }
}
