package io.wsbridge.abuse;

import static org.assertj.core.api.Assertions.assertThat;

import io.wsbridge.testing.ExternalServer;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The abuse suite: what an attacker or a broken client sends, against the real server over real sockets,
 * every case bounded in time. Each test asserts the answer (status, close code, being let go) and that open
 * connections, descriptors, threads, child processes and direct memory come back to their baseline. (The six
 * defects of issue 13 are in {@link HostileClientTest}; the open-files limit in {@link FileLimitIT}.)
 */
@Timeout(120)
class AbuseTest {
    private static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";

    private static void warmUp(TestServer server) throws IOException, InterruptedException {
        try (RawWebSocket ws = RawWebSocket.connect(server.port(), "/")) {
            ws.sendText("warm");
            assertThat(ws.readMessage(Duration.ofSeconds(10)).text()).isEqualTo("warm");
        }
        Waits.until(Duration.ofSeconds(10), () -> server.liveChildren() == 0, "warm-up child reaped");
    }

    // ---- handshakes ----

    /** A valid handshake as header lines, in order; variants edit a copy. */
    private static List<String[]> validHeaders(int port) {
        List<String[]> h = new ArrayList<>();
        h.add(new String[] {"Host", "127.0.0.1:" + port});
        h.add(new String[] {"Upgrade", "websocket"});
        h.add(new String[] {"Connection", "Upgrade"});
        h.add(new String[] {"Sec-WebSocket-Key", KEY});
        h.add(new String[] {"Sec-WebSocket-Version", "13"});
        return h;
    }

    private static String request(String method, String target, String version, List<String[]> headers) {
        StringBuilder r = new StringBuilder(method + " " + target + " " + version + "\r\n");
        for (String[] h : headers) {
            r.append(h[0]).append(": ").append(h[1]).append("\r\n");
        }
        return r.append("\r\n").toString();
    }

    private static List<String[]> replace(List<String[]> headers, String name, String value) {
        List<String[]> out = new ArrayList<>();
        for (String[] h : headers) {
            if (!h[0].equalsIgnoreCase(name)) {
                out.add(h);
            } else if (value != null) {
                out.add(new String[] {name, value});
            }
        }
        return out;
    }

    private static List<String[]> plus(List<String[]> headers, String name, String value) {
        List<String[]> out = new ArrayList<>(headers);
        out.add(new String[] {name, value});
        return out;
    }

    /** Generated hostile handshakes, by what is wrong with them; none may be upgraded (4xx, 505 for HTTP/2+). */
    static Map<String, String> hostileHandshakes(int port) {
        Map<String, String> v = new LinkedHashMap<>();
        List<String[]> ok = validHeaders(port);
        String host = "127.0.0.1:" + port;
        for (String[] h : ok) {
            String name = h[0];
            if (!name.equals("Upgrade") && !name.equals("Connection")) {
                v.put("no " + name, request("GET", "/", "HTTP/1.1", replace(ok, name, null)));
            }
            if (!name.equals("Upgrade") && !name.equals("Connection")) { // lists: repeating them is fine
                v.put("two " + name + " (same)", request("GET", "/", "HTTP/1.1", plus(ok, name, h[1])));
            }
        }
        for (String[] h : ok) {
            if (!h[0].equals("Upgrade") && !h[0].equals("Connection")) {
                v.put("two " + h[0] + " (other case)", request("GET", "/", "HTTP/1.1",
                        plus(ok, h[0].toUpperCase(java.util.Locale.ROOT), h[1])));
                v.put("two " + h[0] + " (empty second)", request("GET", "/", "HTTP/1.1",
                        plus(ok, h[0].toLowerCase(java.util.Locale.ROOT), "")));
            }
        }
        for (int b = 1; b < 0x20; b++) {
            if (b != '\r' && b != '\n' && b != '\t' && b != 0x0b && b != 0x0c) {
                v.put(String.format("byte %02x in Host", b), request("GET", "/", "HTTP/1.1",
                        replace(ok, "Host", "127.0.0." + (char) b + "1")));
                v.put(String.format("byte %02x in Key", b), request("GET", "/", "HTTP/1.1",
                        replace(ok, "Sec-WebSocket-Key", "dGhlIHNhbXBsZSB" + (char) b + "ub25jZQ==")));
            }
        }
        for (String u : new String[] {"", "websockets", "web socket", "h2c", "TLS/1.0"}) {
            v.put("Upgrade '" + u + "'", request("GET", "/", "HTTP/1.1", replace(ok, "Upgrade", u)));
        }
        v.put("two Host (other)", request("GET", "/", "HTTP/1.1", plus(ok, "Host", "evil.example")));
        v.put("two Key (other)", request("GET", "/", "HTTP/1.1",
                plus(ok, "Sec-WebSocket-Key", "AAAAAAAAAAAAAAAAAAAAAA==")));
        v.put("two Version (8)", request("GET", "/", "HTTP/1.1", plus(ok, "Sec-WebSocket-Version", "8")));
        String[] badHosts = {"127.0.0.1 evil", "a b:80", "127.0.0.1:80x", "127.0.0.1:-1", "h@st", "ho/st", "[::1",
            "[::1]x", "[zz::1]", "a\"b", "a<b>", "a{b}", "host:80:80x", "exa mple.org", "a\\b", "a|b", "a^b",
            "`x`", "x y z"};
        for (String h : badHosts) {
            v.put("Host '" + h + "'", request("GET", "/", "HTTP/1.1", replace(ok, "Host", h)));
        }
        String[] badKeys = {"", "x", "AAAA", "AAAAAAAAAAAAAAAAAAAA", "AAAAAAAAAAAAAAAAAAAAAAAA", "!!!!!!!!!!!!!!!!!!!!!!==",
            "dGhlIHNhbXBsZSBub25jZQ", "dGhlIHNhbXBsZSBub25jZQ===", "dGhlIHNhbXBsZSBub25j ZQ==",
            "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "*"};
        for (String k : badKeys) {
            v.put("Key '" + k + "'", request("GET", "/", "HTTP/1.1", replace(ok, "Sec-WebSocket-Key", k)));
        }
        String[] badVersions = {"", "0", "7", "8", "12", "14", "13a", "-13", "013x", "1 3", "13, 8", "99999999999"};
        for (String ver : badVersions) {
            v.put("Version '" + ver + "'", request("GET", "/", "HTTP/1.1", replace(ok, "Sec-WebSocket-Version", ver)));
        }
        for (String c : new String[] {"", "close", "keep-alive", "upgradee", "up grade"}) {
            v.put("Connection '" + c + "'", request("GET", "/", "HTTP/1.1", replace(ok, "Connection", c)));
        }
        for (String m : new String[] {"POST", "PUT", "DELETE", "OPTIONS", "PATCH", "get", "Get", "TRACE", "FOO"}) {
            v.put("method " + m, request(m, "/", "HTTP/1.1", ok));
        }
        for (String ver : new String[] {"HTTP/1.0", "HTTP/0.9", "HTTP/2.0", "HTTP/3.0", "HTTP/1.1x", "HTP/1.1"}) {
            v.put("version " + ver, request("GET", "/", ver, ok));
        }
        for (int b = 0; b < 0x20; b++) {
            if (b != '\r' && b != '\n' && b != '\t' && b != 0x0b && b != 0x0c) {
                v.put(String.format("raw byte %02x in path", b), request("GET", "/a" + (char) b + "b", "HTTP/1.1", ok));
            }
            v.put(String.format("%%%02x in path", b), request("GET", String.format("/a%%%02Xb", b), "HTTP/1.1", ok));
        }
        v.put("raw byte 7f in path", request("GET", "/a\u007fb", "HTTP/1.1", ok));
        v.put("%7f in path", request("GET", "/a%7Fb", "HTTP/1.1", ok));
        v.put("escape sequence in path", request("GET", "/%1B]0;owned%07%1B[2J", "HTTP/1.1", ok));
        for (String[] h : new String[][] {{"X-A", "a\u0000b"}, {"X-B\u0001", "x"}, {"Bad Name", "x"}, {"", "x"},
            {"X-C", "\u001b[31mred"}}) {
            v.put("header " + h[0].replaceAll("\\p{Cntrl}", "?") + " with control bytes",
                    request("GET", "/", "HTTP/1.1", plus(ok, h[0], h[1])));
        }
        v.put("header line without colon", request("GET", "/", "HTTP/1.1", ok).replace("\r\n\r\n",
                "\r\nNoColonHere\r\n\r\n"));
        v.put("obsolete line folding", request("GET", "/", "HTTP/1.1", ok).replace("Host: " + host,
                "Host: 127.0.0.1\r\n :" + port));
        v.put("no request target", "GET HTTP/1.1\r\n\r\n");
        v.put("garbage", "\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u0001\u00fc\u0003\u0003\r\n\r\n");
        v.put("huge header", request("GET", "/", "HTTP/1.1", plus(ok, "X-Big", "x".repeat(40_000))));
        v.put("huge request line", request("GET", "/" + "a".repeat(20_000), "HTTP/1.1", ok));
        v.put("Content-Length with upgrade", request("GET", "/", "HTTP/1.1", plus(ok, "Content-Length", "-5")));
        v.put("two Content-Length", request("GET", "/", "HTTP/1.1",
                plus(plus(ok, "Content-Length", "0"), "Content-Length", "5")));
        v.put("Transfer-Encoding and Content-Length", request("GET", "/", "HTTP/1.1",
                plus(plus(ok, "Transfer-Encoding", "chunked"), "Content-Length", "0")));
        v.put("Content-Length 5 with upgrade", request("GET", "/", "HTTP/1.1", plus(ok, "Content-Length", "5"))
                + "hello");
        return v;
    }

    @Test
    void twoHundredHostileHandshakesAreRefusedAndNothingStarts() throws Exception {
        try (TestServer server = TestServer.start("--headertimeoutms=2000", "cat")) {
            warmUp(server);
            ResourceBaseline baseline = ResourceBaseline.of(server);
            Map<String, String> variants = hostileHandshakes(server.port());
            assertThat(variants).hasSizeGreaterThanOrEqualTo(200);
            Map<Integer, Integer> statuses = new TreeMap<>();
            List<String> upgraded = new ArrayList<>();
            long slowest = 0;
            for (Map.Entry<String, String> e : variants.entrySet()) {
                long start = System.nanoTime();
                int status = answer(server.port(), e.getValue());
                slowest = Math.max(slowest, (System.nanoTime() - start) / 1_000_000);
                statuses.merge(status, 1, Integer::sum);
                if ((status < 400 || status >= 500) && status != 505) {
                    upgraded.add(e.getKey() + " -> " + status);
                }
            }
            System.out.printf("%d hostile handshakes: statuses %s, slowest %d ms%n", variants.size(), statuses,
                    slowest);
            assertThat(upgraded).as("variants answered with anything but 4xx").isEmpty();
            assertThat(server.liveChildren()).isZero();
            baseline.assertRestored(Duration.ofSeconds(10));
            warmUp(server);
        }
    }

    /** The status of the answer, 0 when the server closed without one (only a 4xx counts as refused). */
    private static int answer(int port, String request) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout(5000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = s.getInputStream();
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int c;
            while ((c = in.read()) != -1 && c != '\n') {
                line.write(c);
            }
            String status = line.toString(StandardCharsets.ISO_8859_1);
            String[] parts = status.split(" ");
            return parts.length > 1 && parts[0].startsWith("HTTP/") ? Integer.parseInt(parts[1]) : 0;
        } catch (IOException reset) {
            return 0;
        }
    }

    // ---- frames ----

    private record BadFrames(String what, byte[] bytes, int code) {
    }

    private static byte[] frame(int opcode, boolean fin, byte[] payload, int rsv) {
        return RawWebSocket.frame(opcode, fin, payload, true, rsv);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static byte[] closePayload(int code, byte[] reason) {
        return concat(new byte[] {(byte) (code >> 8), (byte) code}, reason);
    }

    static List<BadFrames> badFrames() {
        byte[] hi = "hi".getBytes(StandardCharsets.UTF_8);
        List<BadFrames> t = new ArrayList<>();
        t.add(new BadFrames("unmasked", RawWebSocket.frame(RawWebSocket.TEXT, true, hi, false, 0), 1002));
        for (int rsv = 1; rsv < 8; rsv++) {
            t.add(new BadFrames("reserved bits " + rsv, frame(RawWebSocket.TEXT, true, hi, rsv), 1002));
        }
        for (int op : new int[] {3, 4, 5, 6, 7, 11, 12, 13, 14, 15}) {
            t.add(new BadFrames("opcode " + op, frame(op, true, hi, 0), 1002));
        }
        t.add(new BadFrames("fragmented ping", frame(RawWebSocket.PING, false, hi, 0), 1002));
        t.add(new BadFrames("ping of 126 bytes", frame(RawWebSocket.PING, true, new byte[126], 0), 1002));
        t.add(new BadFrames("continuation first", frame(RawWebSocket.CONTINUATION, true, hi, 0), 1002));
        t.add(new BadFrames("text inside a fragmented text", concat(frame(RawWebSocket.TEXT, false, hi, 0),
                frame(RawWebSocket.TEXT, true, hi, 0)), 1002));
        t.add(new BadFrames("binary inside a fragmented text", concat(frame(RawWebSocket.TEXT, false, hi, 0),
                frame(RawWebSocket.BINARY, true, hi, 0)), 1002));
        t.add(new BadFrames("invalid UTF-8", frame(RawWebSocket.TEXT, true, new byte[] {(byte) 0xc3, 0x28}, 0), 1007));
        t.add(new BadFrames("UTF-8 surrogate", frame(RawWebSocket.TEXT, true,
                new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, 0), 1007));
        t.add(new BadFrames("invalid UTF-8 across fragments", concat(frame(RawWebSocket.TEXT, false,
                new byte[] {'a', (byte) 0xf0, (byte) 0x90}, 0), frame(RawWebSocket.CONTINUATION, true,
                new byte[] {'z'}, 0)), 1007));
        t.add(new BadFrames("text ending inside a character", concat(frame(RawWebSocket.TEXT, false,
                new byte[] {(byte) 0xe2, (byte) 0x82}, 0), frame(RawWebSocket.CONTINUATION, true, new byte[0], 0)),
                1007));
        t.add(new BadFrames("close with 1 byte", frame(RawWebSocket.CLOSE, true, new byte[] {3}, 0), 1002));
        for (int code : new int[] {0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535}) {
            t.add(new BadFrames("close code " + code, frame(RawWebSocket.CLOSE, true, closePayload(code, new byte[0]), 0),
                    1002));
        }
        t.add(new BadFrames("close reason not UTF-8", frame(RawWebSocket.CLOSE, true,
                closePayload(1000, new byte[] {(byte) 0xff}), 0), 1007));
        ByteBuffer negative = ByteBuffer.allocate(14).put((byte) 0x82).put((byte) 0xff).putLong(-1L).putInt(0);
        t.add(new BadFrames("64-bit length with the top bit set", negative.array(), 1002));
        ByteBuffer huge = ByteBuffer.allocate(14).put((byte) 0x82).put((byte) 0xff).putLong(Long.MAX_VALUE).putInt(0);
        t.add(new BadFrames("announces 2^63-1 bytes", huge.array(), 1009));
        t.add(new BadFrames("message over the limit in fragments", concat(
                frame(RawWebSocket.BINARY, false, new byte[40_000], 0),
                frame(RawWebSocket.CONTINUATION, false, new byte[40_000], 0),
                frame(RawWebSocket.CONTINUATION, true, new byte[40_000], 0)), 1009));
        return t;
    }

    @Test
    void malformedFragmentedOversizedAndReservedBitFramesGetTheirCloseCode() throws Exception {
        try (TestServer server = TestServer.start("--maxframesize=65536", "cat")) {
            warmUp(server);
            ResourceBaseline baseline = ResourceBaseline.of(server);
            List<BadFrames> table = badFrames();
            for (BadFrames bad : table) {
                try (RawWebSocket ws = RawWebSocket.connect(server.port(), "/")) {
                    ws.sendRaw(bad.bytes());
                    RawWebSocket.Frame close = ws.awaitClose(Duration.ofSeconds(3));
                    assertThat(close).as("%s: a close frame", bad.what()).isNotNull();
                    assertThat(close.closeCode()).as("%s: close code", bad.what()).isEqualTo(bad.code());
                    assertThat(ws.awaitEof(Duration.ofSeconds(5))).as("%s: connection closed", bad.what()).isTrue();
                }
            }
            System.out.printf("%d malformed frame sequences: each got its close code%n", table.size());
            baseline.assertRestored(Duration.ofSeconds(10));
            warmUp(server);
        }
    }

    // ---- clients that stop ----

    /**
     * Half-open clients (gone without FIN or RST: they neither read, write nor close), with a silent program and
     * with one that writes: with --pingms each is dropped two intervals after its first unanswered ping, plus the
     * close deadline.
     * Clients that half-close (FIN, still reading) end their session at once.
     */
    @Test
    void halfOpenAndHalfClosedClientsAreLetGo() throws Exception {
        for (String program : new String[] {"cat", "yes"}) {
            try (TestServer server = TestServer.start("--pingms=200", program)) {
                try (RawWebSocket ws = RawWebSocket.connect(server.port(), "/")) {
                    ws.readFrame(Duration.ofMillis(program.equals("yes") ? 5000 : 1));
                } catch (java.net.SocketTimeoutException expected) {
                    // cat says nothing
                }
                Waits.until(Duration.ofSeconds(10), () -> server.liveChildren() == 0, "warm-up child reaped");
                ResourceBaseline baseline = ResourceBaseline.of(server);
                List<RawWebSocket> silent = new ArrayList<>();
                try {
                    for (int i = 0; i < 10; i++) {
                        silent.add(RawWebSocket.connect(server.port(), "/", Map.of(), 4096));
                    }
                    long start = System.nanoTime();
                    Waits.until(Duration.ofSeconds(10), () -> server.server().openConnections() == 0,
                            () -> program + ": half-open clients dropped (open: " + server.server().openConnections()
                                    + ")");
                    System.out.printf("10 half-open clients of %s dropped after %d ms%n", program,
                            (System.nanoTime() - start) / 1_000_000);
                } finally {
                    for (RawWebSocket ws : silent) {
                        ws.close();
                    }
                }
                baseline.assertRestored(Duration.ofSeconds(10));
                for (int i = 0; i < 5; i++) {
                    try (RawWebSocket ws = RawWebSocket.connect(server.port(), "/")) {
                        ws.socket().shutdownOutput();
                        assertThat(ws.awaitEof(Duration.ofSeconds(5))).as("half-closed client let go").isTrue();
                    }
                }
                baseline.assertRestored(Duration.ofSeconds(10));
            }
        }
    }

    /**
     * A client that stops reading in the middle of a flood: the program is paused (backpressure), memory stays
     * bounded while it waits, and when it reads again every byte arrives, in order.
     */
    @Test
    void aClientThatStopsReadingMidFloodHoldsNoMoreThanItsBuffers() throws Exception {
        long total = 16L * 1024 * 1024;
        try (TestServer server = TestServer.start("--binary", "head", "-c", Long.toString(total), "/dev/zero")) {
            try (RawWebSocket ws = RawWebSocket.connect(server.port(), "/")) {
                while (ws.readFrame(Duration.ofSeconds(10)).opcode() != RawWebSocket.CLOSE) {
                    // drain a whole warm-up flood
                }
            }
            Waits.until(Duration.ofSeconds(10), () -> server.liveChildren() == 0, "warm-up child reaped");
            ResourceBaseline baseline = ResourceBaseline.of(server);
            long directBefore = ResourceBaseline.directMemory();
            try (RawWebSocket ws = RawWebSocket.connect(server.port(), "/", Map.of(), 64 * 1024)) {
                long received = 0;
                while (received < 1024 * 1024) {
                    received += ws.readFrame(Duration.ofSeconds(10)).payload().length;
                }
                long peak = 0;
                for (int i = 0; i < 20; i++) { // 2 s not reading, sampled
                    Thread.sleep(100);
                    peak = Math.max(peak, ResourceBaseline.directMemory() - directBefore);
                }
                System.out.printf("stalled mid-flood: peak direct memory held %d KiB%n", peak / 1024);
                assertThat(peak).as("direct memory held for a stalled client").isLessThan(4L * 1024 * 1024);
                RawWebSocket.Frame f;
                while ((f = ws.readFrame(Duration.ofSeconds(10))).opcode() != RawWebSocket.CLOSE) {
                    for (byte b : f.payload()) {
                        if (b != 0) {
                            throw new AssertionError("flood corrupted at byte " + received);
                        }
                    }
                    received += f.payload().length;
                }
                assertThat(received).isEqualTo(total);
            }
            baseline.assertRestored(Duration.ofSeconds(10));
        }
    }

    // ---- programs that crash ----

    @Test
    void programsThatCrashEndTheirSessionCleanly() throws Exception {
        String[][] programs = {
            {"sh", "-c", "echo hi; kill -SEGV $$"},
            {"sh", "-c", "echo hi; kill -KILL $$"},
            {"sh", "-c", "echo hi; exit 3"},
            {"sh", "-c", "echo hi; exec 1>&-; sleep 30"},
            {"sh", "-c", "echo hi; trap '' INT TERM; exec 1>&-; sleep 30"},
        };
        for (String[] program : programs) {
            try (TestServer server = TestServer.start(program)) {
                ResourceBaseline baseline = null;
                for (int i = 0; i < 3; i++) {
                    try (RawWebSocket ws = RawWebSocket.connect(server.port(), "/")) {
                        assertThat(ws.readMessage(Duration.ofSeconds(10)).text()).isEqualTo("hi");
                        RawWebSocket.Frame close = ws.awaitClose(Duration.ofSeconds(10));
                        assertThat(close).as("%s: close frame", program[2]).isNotNull();
                        ws.sendClose(1000, ""); // the reply a client owes (else the server waits 3 s for it)
                        assertThat(ws.awaitEof(Duration.ofSeconds(5))).isTrue();
                    }
                    if (baseline == null) {
                        Waits.until(Duration.ofSeconds(10), () -> server.liveChildren() == 0, "first child reaped");
                        baseline = ResourceBaseline.of(server);
                    }
                }
                baseline.assertRestored(Duration.ofSeconds(10));
            }
        }
    }

    // ---- SIGTERM under load ----

    /** 40 sessions, half of them sending as fast as they can: SIGTERM gives each 1001, ends every child, exits 0. */
    @Test
    void sigtermUnderLoadClosesEverySessionWith1001() throws Exception {
        try (ExternalServer server = ExternalServer.start(List.of("-Xmx128m"), "cat")) {
            List<RawWebSocket> sessions = new ArrayList<>();
            ExecutorService senders = Executors.newFixedThreadPool(20);
            AtomicBoolean stop = new AtomicBoolean();
            try {
                for (int i = 0; i < 40; i++) {
                    sessions.add(RawWebSocket.connect(server.port(), "/"));
                }
                // Every client reads all along, as a browser does: the echoes of the flood do not pile up in the
                // sockets, so what is measured is the server's stop, not how fast a loaded machine drains MBs
                // of backlog (a client that stops reading is let go by the close deadline; tested elsewhere).
                List<Future<Integer>> codes = new ArrayList<>();
                ExecutorService readers = Executors.newFixedThreadPool(40);
                try {
                    for (RawWebSocket ws : sessions) {
                        codes.add(readers.submit(() -> {
                            RawWebSocket.Frame f = ws.awaitClose(Duration.ofSeconds(60));
                            return f == null ? -1 : f.closeCode();
                        }));
                    }
                    for (int i = 0; i < 20; i++) {
                        RawWebSocket ws = sessions.get(i);
                        senders.submit(() -> {
                            try {
                                while (!stop.get()) {
                                    ws.sendText("load load load load load load load load load load load load");
                                }
                            } catch (IOException closed) {
                                // the server went away: expected
                            }
                            return null;
                        });
                    }
                    Thread.sleep(300); // the flood's length, not a wait for anything
                    List<ProcessHandle> children = ProcessHandle.of(server.pid()).orElseThrow().descendants().toList();
                    assertThat(children).hasSizeGreaterThanOrEqualTo(40);
                    long start = System.nanoTime();
                    server.signal("TERM");
                    for (Future<Integer> code : codes) {
                        assertThat(code.get(30, TimeUnit.SECONDS)).isEqualTo(1001);
                    }
                    System.out.printf("SIGTERM with 40 sessions (20 flooding): every client had 1001 after %d ms%n",
                            (System.nanoTime() - start) / 1_000_000);
                    assertThat(server.awaitExit(15)).isZero();
                    Waits.until(Duration.ofSeconds(10), () -> children.stream().noneMatch(ProcessHandle::isAlive),
                            () -> "children ended: alive " + children.stream().filter(ProcessHandle::isAlive)
                                    .map(p -> p.pid() + " " + p.info().commandLine().orElse("?")).toList());
                } finally {
                    readers.shutdownNow();
                }
            } finally {
                stop.set(true);
                senders.shutdownNow();
                for (RawWebSocket ws : sessions) {
                    ws.close();
                }
            }
        }
    }
}
