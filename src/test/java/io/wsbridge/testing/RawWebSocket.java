package io.wsbridge.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A deliberately low-level WebSocket client for tests: it speaks real frames over a real socket and can
 * send what well-behaved clients never do (invalid UTF-8, unmasked or oversized frames, bad opcodes), and
 * can stop reading to play a slow client. Every read is bounded by a timeout.
 */
public final class RawWebSocket implements AutoCloseable {
    public static final int CONTINUATION = 0;
    public static final int TEXT = 1;
    public static final int BINARY = 2;
    public static final int CLOSE = 8;
    public static final int PING = 9;
    public static final int PONG = 10;

    /** An HTTP response to a handshake attempt. */
    public record HttpReply(int status, Map<String, String> headers, String body) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /** One frame as received; {@code rsv} holds the reserved bits (4 is RSV1: compressed). */
    public record Frame(boolean fin, int opcode, byte[] payload, int rsv) {
        public Frame(boolean fin, int opcode, byte[] payload) {
            this(fin, opcode, payload, 0);
        }

        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        public int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
        }

        public String closeReason() {
            return payload.length > 2 ? new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8) : "";
        }
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final HttpReply handshake;

    private RawWebSocket(Socket socket, DataInputStream in, HttpReply handshake) throws IOException {
        this.socket = socket;
        this.in = in;
        this.out = socket.getOutputStream();
        this.handshake = handshake;
    }

    /** Connects and upgrades; fails the test if the server does not answer 101. */
    public static RawWebSocket connect(int port, String path) throws IOException {
        return connect(port, path, Map.of(), 0);
    }

    public static RawWebSocket connect(int port, String path, Map<String, String> headers, int receiveBuffer)
            throws IOException {
        Attempt a = attempt(port, path, headers, receiveBuffer);
        if (a.reply.status() != 101) {
            a.socket.close();
            throw new IOException("upgrade refused: " + a.reply);
        }
        return new RawWebSocket(a.socket, a.in, a.reply);
    }

    /** Connects from a given local address (e.g. 127.0.0.2, to be a different client than 127.0.0.1). */
    public static RawWebSocket connectFrom(String localAddress, int port, String path, Map<String, String> headers)
            throws IOException {
        Attempt a = attempt(localAddress, port, path, headers, 0);
        if (a.reply.status() != 101) {
            a.socket.close();
            throw new IOException("upgrade refused: " + a.reply);
        }
        return new RawWebSocket(a.socket, a.in, a.reply);
    }

    /**
     * Upgrades with {@code early} bytes (frames) written in the same write as the request, so that they arrive
     * in the same TCP segment, before the 101.
     */
    public static RawWebSocket connectWithEarlyBytes(int port, String path, byte[] early) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        s.setSoTimeout(10_000);
        s.setTcpNoDelay(true);
        byte[] head = ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: " + Base64.getEncoder().encodeToString(new byte[16])
                + "\r\nSec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = java.util.Arrays.copyOf(head, head.length + early.length);
        System.arraycopy(early, 0, all, head.length, early.length);
        s.getOutputStream().write(all);
        s.getOutputStream().flush();
        DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream()));
        HttpReply reply = readReply(in, false);
        if (reply.status() != 101) {
            s.close();
            throw new IOException("upgrade refused: " + reply);
        }
        return new RawWebSocket(s, in, reply);
    }

    /** Sends an upgrade request and returns whatever HTTP answer came back (connection closed after). */
    public static HttpReply tryUpgrade(int port, String path, Map<String, String> headers) throws IOException {
        Attempt a = attempt(port, path, headers, 0);
        a.socket.close();
        return a.reply;
    }

    /** Sends raw bytes as a request and returns the HTTP answer. */
    public static HttpReply rawRequest(int port, String request) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream()));
            return readReply(in, true);
        }
    }

    private record Attempt(Socket socket, DataInputStream in, HttpReply reply) {
    }

    private static Attempt attempt(int port, String path, Map<String, String> headers, int receiveBuffer)
            throws IOException {
        return attempt(null, port, path, headers, receiveBuffer);
    }

    private static Attempt attempt(String localAddress, int port, String path, Map<String, String> headers,
                                   int receiveBuffer) throws IOException {
        Socket s = new Socket();
        if (localAddress != null) {
            s.bind(new InetSocketAddress(localAddress, 0));
        }
        if (receiveBuffer > 0) {
            s.setReceiveBufferSize(receiveBuffer);
        }
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        s.setSoTimeout(10_000);
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Host", "127.0.0.1:" + port);
        h.put("Upgrade", "websocket");
        h.put("Connection", "Upgrade");
        h.put("Sec-WebSocket-Key", Base64.getEncoder().encodeToString(new byte[16]));
        h.put("Sec-WebSocket-Version", "13");
        h.putAll(headers);
        StringBuilder req = new StringBuilder("GET " + path + " HTTP/1.1\r\n");
        h.forEach((k, v) -> {
            if (v != null) {
                req.append(k).append(": ").append(v).append("\r\n");
            }
        });
        req.append("\r\n");
        s.getOutputStream().write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
        DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream()));
        HttpReply reply = readReply(in, false);
        return new Attempt(s, in, reply);
    }

    private static HttpReply readReply(DataInputStream in, boolean readBody) throws IOException {
        String status = readLine(in);
        if (status == null) {
            throw new EOFException("connection closed before any response");
        }
        int code = Integer.parseInt(status.split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        String line;
        while ((line = readLine(in)) != null && !line.isEmpty()) {
            int colon = line.indexOf(':');
            headers.merge(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim(),
                    (a, b) -> a + ", " + b);
        }
        String body = "";
        String length = headers.get("content-length");
        if (code != 101 && length != null) {
            byte[] b = new byte[Integer.parseInt(length)];
            in.readFully(b);
            body = new String(b, StandardCharsets.UTF_8);
        }
        return new HttpReply(code, headers, body);
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                String s = line.toString(StandardCharsets.ISO_8859_1);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            line.write(c);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
    }

    public HttpReply handshake() {
        return handshake;
    }

    // ---- sending ----

    public void sendText(String text) throws IOException {
        send(TEXT, true, text.getBytes(StandardCharsets.UTF_8));
    }

    public void sendBinary(byte[] data) throws IOException {
        send(BINARY, true, data);
    }

    public void sendClose(int code, String reason) throws IOException {
        byte[] r = reason.getBytes(StandardCharsets.UTF_8);
        byte[] p = new byte[2 + r.length];
        p[0] = (byte) (code >> 8);
        p[1] = (byte) code;
        System.arraycopy(r, 0, p, 2, r.length);
        send(CLOSE, true, p);
    }

    /** A masked frame, as a client must send. */
    public void send(int opcode, boolean fin, byte[] payload) throws IOException {
        out.write(frame(opcode, fin, payload, true, 0));
        out.flush();
    }

    /** Builds a frame; {@code rsv} sets reserved bits (for protocol-violation tests). */
    public static byte[] frame(int opcode, boolean fin, byte[] payload, boolean masked, int rsv) {
        ByteBuffer b = ByteBuffer.allocate(payload.length + 14);
        b.put((byte) ((fin ? 0x80 : 0) | (rsv << 4) | opcode));
        int maskBit = masked ? 0x80 : 0;
        if (payload.length < 126) {
            b.put((byte) (maskBit | payload.length));
        } else if (payload.length < 65536) {
            b.put((byte) (maskBit | 126)).putShort((short) payload.length);
        } else {
            b.put((byte) (maskBit | 127)).putLong(payload.length);
        }
        byte[] mask = new byte[4];
        if (masked) {
            ThreadLocalRandom.current().nextBytes(mask);
            b.put(mask);
        }
        for (int i = 0; i < payload.length; i++) {
            b.put((byte) (payload[i] ^ mask[i & 3]));
        }
        b.flip();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    /** Streams one large masked frame without building it in memory (for the 100 MB test). */
    public void sendLargeFrame(int opcode, long length, byte fill) throws IOException {
        ByteBuffer h = ByteBuffer.allocate(14);
        h.put((byte) (0x80 | opcode)).put((byte) (0x80 | 127)).putLong(length).put(new byte[4]);
        out.write(h.array(), 0, h.position());
        byte[] chunk = new byte[64 * 1024];
        java.util.Arrays.fill(chunk, fill);
        long left = length;
        while (left > 0) {
            int n = (int) Math.min(chunk.length, left);
            out.write(chunk, 0, n);
            left -= n;
        }
        out.flush();
    }

    public void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    // ---- receiving ----

    /** The next frame, or null when the server closed the connection; fails after {@code timeout}. */
    public Frame readFrame(Duration timeout) throws IOException {
        socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
        int b0;
        try {
            b0 = in.read();
        } catch (SocketTimeoutException e) {
            throw new SocketTimeoutException("no frame within " + timeout);
        }
        if (b0 < 0) {
            return null;
        }
        int b1 = in.readUnsignedByte();
        long len = b1 & 0x7f;
        if (len == 126) {
            len = in.readUnsignedShort();
        } else if (len == 127) {
            len = in.readLong();
        }
        if ((b1 & 0x80) != 0) {
            throw new IOException("server frames must not be masked");
        }
        if (len > Integer.MAX_VALUE - 16) {
            throw new IOException("frame too large for this client: " + len);
        }
        byte[] payload = new byte[(int) len];
        in.readFully(payload);
        return new Frame((b0 & 0x80) != 0, b0 & 0x0f, payload, (b0 >> 4) & 7);
    }

    /** The next data message, fragments joined; control frames other than close are skipped. */
    public Frame readMessage(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        int opcode = -1;
        int rsv = 0;
        while (true) {
            Frame f = readFrame(Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime())));
            if (f == null) {
                return null;
            }
            if (f.opcode() == CLOSE) {
                return f;
            }
            if (f.opcode() == PING || f.opcode() == PONG) {
                continue;
            }
            if (opcode < 0) {
                opcode = f.opcode();
                rsv = f.rsv();
            }
            data.write(f.payload());
            if (f.fin()) {
                return new Frame(true, opcode, data.toByteArray(), rsv);
            }
        }
    }

    /** Reads until a close frame and returns it (data frames in between are discarded). */
    public Frame awaitClose(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Frame f = readFrame(Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime())));
            if (f == null || f.opcode() == CLOSE) {
                return f;
            }
        }
    }

    /** True when the server closes the TCP connection within {@code timeout}, skipping frames. */
    public boolean awaitEof(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                if (readFrame(Duration.ofNanos(left)) == null) {
                    return true;
                }
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset counts as closed
        }
    }

    public Socket socket() {
        return socket;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
