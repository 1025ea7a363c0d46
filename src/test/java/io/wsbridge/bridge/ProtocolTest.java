package io.wsbridge.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.wsbridge.testing.Client;
import io.wsbridge.testing.RawWebSocket;
import io.wsbridge.testing.RawWebSocket.Frame;
import io.wsbridge.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** RFC 6455 rules and hostile input: every violation gets its close code or HTTP error, and the server lives on. */
@Timeout(60)
class ProtocolTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start("--maxframesize=1024", "cat");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** After each hostile case the server must still serve a normal client. */
    private static void serverStillWorks() throws Exception {
        try (Client c = Client.connect(server.url("/"))) {
            c.send("still alive");
            assertThat(c.nextText(10)).isEqualTo("still alive");
        }
    }

    @Test
    void invalidUtf8TextFromClientIsClosedWith1007() throws Exception {
        try (RawWebSocket ws = RawWebSocket.connect(server.port(), "/")) {
            ws.send(RawWebSocket.TEXT, true, new byte[] {'a', (byte) 0xC3, '(', 'b'});
            Frame close = ws.awaitClose(WAIT);
            assertThat(close.closeCode()).isEqualTo(1007);
            assertThat(ws.awaitEof(WAIT)).isTrue();
        }
        serverStillWorks();
    }

    @Test
    void utf8SequenceSplitAcrossFragmentsIsAccepted() throws Exception {
        byte[] euro = "€".getBytes(StandardCharsets.UTF_8);
        try (RawWebSocket ws = RawWebSocket.connect(server.port(), "/")) {
            ws.send(RawWebSocket.TEXT, false, new byte[] {'x', euro[0]});
            ws.send(RawWebSocket.CONTINUATION, false, new byte[] {euro[1]});
            ws.send(RawWebSocket.CONTINUATION, true, new byte[] {euro[2], 'y'});
            assertThat(ws.readMessage(WAIT).text()).isEqualTo("x€y");
        }
    }

    @Test
    void truncatedUtf8AtEndOfMessageIs1007() throws Exception {
        try (RawWebSocket ws = RawWebSocket.connect(server.port(), "/")) {
            ws.send(RawWebSocket.TEXT, true, new byte[] {'a', (byte) 0xE2, (byte) 0x82});
            assertThat(ws.awaitClose(WAIT).closeCode()).isEqualTo(1007);
        }
    }

    @Test
    void messageOverMaxFrameSizeIsClosedWith1009EvenWhenFragmented() throws Exception {
        try (RawWebSocket ws = RawWebSocket.connect(server.port(), "/")) {
            byte[] part = new byte[600];
            java.util.Arrays.fill(part, (byte) 'a');
            ws.send(RawWebSocket.TEXT, false, part);
            ws.send(RawWebSocket.CONTINUATION, true, part);
            assertThat(ws.awaitClose(WAIT).closeCode()).isEqualTo(1009);
        }
        try (RawWebSocket ws = RawWebSocket.connect(server.port(), "/")) {
            byte[] exact = new byte[1024];
            java.util.Arrays.fill(exact, (byte) 'b');
            ws.send(RawWebSocket.TEXT, true, exact);
            assertThat(ws.readMessage(WAIT).payload()).isEqualTo(exact);
        }
        serverStillWorks();
    }

    @Test
    void unmaskedClientFrameIs1002() throws Exception {
        try (RawWebSocket ws = RawWebSocket.connect(server.port(), "/")) {
            ws.sendRaw(RawWebSocket.frame(RawWebSocket.TEXT, true, "hi".getBytes(), false, 0));
            assertThat(ws.awaitClose(WAIT).closeCode()).isEqualTo(1002);
        }
        serverStillWorks();
    }

    @Test
    void reservedBitsUnknownOpcodesAndBadControlFramesAre1002() throws Exception {
        byte[][] bad = {
                RawWebSocket.frame(RawWebSocket.TEXT, true, "x".getBytes(), true, 4),
                RawWebSocket.frame(3, true, "x".getBytes(), true, 0),
                RawWebSocket.frame(11, true, new byte[0], true, 0),
                RawWebSocket.frame(RawWebSocket.PING, false, new byte[0], true, 0),
                RawWebSocket.frame(RawWebSocket.PING, true, new byte[126], true, 0),
                RawWebSocket.frame(RawWebSocket.CONTINUATION, true, "x".getBytes(), true, 0),
        };
        for (byte[] frame : bad) {
            try (RawWebSocket ws = RawWebSocket.connect(server.port(), "/")) {
                ws.sendRaw(frame);
                assertThat(ws.awaitClose(WAIT).closeCode()).as("frame %02x", frame[0]).isEqualTo(1002);
            }
        }
        try (RawWebSocket ws = RawWebSocket.connect(server.port(), "/")) {
            ws.send(RawWebSocket.TEXT, false, "a".getBytes());
            ws.send(RawWebSocket.TEXT, true, "b".getBytes());
            assertThat(ws.awaitClose(WAIT).closeCode()).isEqualTo(1002);
        }
        serverStillWorks();
    }

    @Test
    void pingIsAnsweredWithPongCarryingTheSamePayloadEvenMidMessage() throws Exception {
        try (RawWebSocket ws = RawWebSocket.connect(server.port(), "/")) {
            ws.send(RawWebSocket.TEXT, false, "par".getBytes());
            ws.send(RawWebSocket.PING, true, "abc".getBytes());
            Frame pong = ws.readFrame(WAIT);
            assertThat(pong.opcode()).isEqualTo(RawWebSocket.PONG);
            assertThat(pong.text()).isEqualTo("abc");
            ws.send(RawWebSocket.CONTINUATION, true, "tial".getBytes());
            assertThat(ws.readMessage(WAIT).text()).isEqualTo("partial");
        }
    }

    @Test
    void clientCloseIsEchoedThenTheServerClosesTcp() throws Exception {
        try (RawWebSocket ws = RawWebSocket.connect(server.port(), "/")) {
            ws.sendClose(4000, "done here");
            Frame reply = ws.awaitClose(WAIT);
            assertThat(reply.closeCode()).isEqualTo(4000);
            assertThat(ws.awaitEof(WAIT)).isTrue();
        }
    }

    @Test
    void invalidCloseCodesAre1002() throws Exception {
        for (int code : new int[] {999, 1005, 1006, 1015, 2999, 5000}) {
            try (RawWebSocket ws = RawWebSocket.connect(server.port(), "/")) {
                ws.sendClose(code, "");
                assertThat(ws.awaitClose(WAIT).closeCode()).as("code %d", code).isEqualTo(1002);
            }
        }
    }

    @Test
    void handshakeErrorsAreHttpErrorsWithAReason() throws Exception {
        Map<String, String> v8 = Map.of("Sec-WebSocket-Version", "8");
        RawWebSocket.HttpReply r = RawWebSocket.tryUpgrade(server.port(), "/", v8);
        assertThat(r.status()).isEqualTo(426);
        assertThat(r.header("Sec-WebSocket-Version")).isEqualTo("13");

        r = RawWebSocket.tryUpgrade(server.port(), "/", Map.of("Sec-WebSocket-Key", "too-short"));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body()).contains("Sec-WebSocket-Key");

        Map<String, String> noConnection = new HashMap<>();
        noConnection.put("Connection", "keep-alive");
        r = RawWebSocket.tryUpgrade(server.port(), "/", noConnection);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body()).contains("Connection: Upgrade");

        r = RawWebSocket.rawRequest(server.port(), "POST / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAAAA==\r\nContent-Length: 0\r\n\r\n");
        assertThat(r.status()).isEqualTo(405);
        serverStillWorks();
    }

    @Test
    void plainHttpRequestsGet404AndGarbageGets400() throws Exception {
        RawWebSocket.HttpReply r = RawWebSocket.rawRequest(server.port(), "GET /x HTTP/1.1\r\nHost: a\r\n"
                + "Connection: close\r\n\r\n");
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.body()).isEqualTo("404 page not found\n");
        r = RawWebSocket.rawRequest(server.port(), "\u0001\u0002 nonsense \u0003\r\n\r\n");
        assertThat(r.status()).isEqualTo(400);
        String huge = "GET / HTTP/1.1\r\nHost: a\r\nX: " + "y".repeat(40_000) + "\r\n\r\n";
        r = RawWebSocket.rawRequest(server.port(), huge);
        assertThat(r.status()).isEqualTo(400);
        serverStillWorks();
    }
}
