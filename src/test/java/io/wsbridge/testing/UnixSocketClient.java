package io.wsbridge.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Base64;

/**
 * A minimal WebSocket client over a Unix domain socket (JDK SocketChannel with UnixDomainSocketAddress):
 * the raw handshake, masked text frames out, whole messages in. Every read is bounded by a timeout.
 */
public final class UnixSocketClient implements AutoCloseable {
    private final SocketChannel channel;
    private final Selector selector;
    private final ByteBuffer in = ByteBuffer.allocate(256 * 1024);
    private String responseHead;

    private UnixSocketClient(SocketChannel channel) throws IOException {
        this.channel = channel;
        channel.configureBlocking(false);
        this.selector = Selector.open();
        channel.register(selector, SelectionKey.OP_READ);
        in.flip();
    }

    /** Connects and sends an upgrade for {@code path}; {@link #status()} tells what came back. */
    public static UnixSocketClient upgrade(Path socket, String path) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        ch.connect(UnixDomainSocketAddress.of(socket));
        UnixSocketClient c = new UnixSocketClient(ch);
        c.write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: " + Base64.getEncoder().encodeToString(new byte[16])
                + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        c.responseHead = c.readHead(Duration.ofSeconds(10));
        return c;
    }

    /** The HTTP status of the handshake answer. */
    public int status() {
        return Integer.parseInt(responseHead.split(" ")[1]);
    }

    public void sendText(String text) throws IOException {
        write(RawWebSocket.frame(RawWebSocket.TEXT, true, text.getBytes(StandardCharsets.UTF_8), true, 0));
    }

    /** The next data message (or close frame) as a frame; null when the server closed the connection. */
    public RawWebSocket.Frame readMessage(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        int opcode = -1;
        while (true) {
            if (!fill(2, deadline)) {
                return null;
            }
            int b0 = in.get(in.position()) & 0xff;
            int len7 = in.get(in.position() + 1) & 0x7f;
            int header = 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0);
            if (!fill(header, deadline)) {
                return null;
            }
            long len = len7 == 126 ? in.getShort(in.position() + 2) & 0xffff
                    : len7 == 127 ? in.getLong(in.position() + 2) : len7;
            if (!fill(header + (int) len, deadline)) {
                return null;
            }
            in.position(in.position() + header);
            byte[] payload = new byte[(int) len];
            in.get(payload);
            int op = b0 & 0x0f;
            if (op == RawWebSocket.CLOSE) {
                return new RawWebSocket.Frame(true, op, payload);
            }
            if (op == RawWebSocket.PING || op == RawWebSocket.PONG) {
                continue;
            }
            if (opcode < 0) {
                opcode = op;
            }
            data.write(payload);
            if ((b0 & 0x80) != 0) {
                return new RawWebSocket.Frame(true, opcode, data.toByteArray());
            }
        }
    }

    private String readHead(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String s = StandardCharsets.ISO_8859_1.decode(in.duplicate()).toString();
            int end = s.indexOf("\r\n\r\n");
            if (end >= 0) {
                in.position(in.position() + end + 4);
                return s.substring(0, end);
            }
            if (!fill(in.remaining() + 1, deadline)) {
                throw new IOException("connection closed before the handshake answer: " + s);
            }
        }
    }

    /** Reads until at least {@code n} bytes are buffered; false on end of stream. */
    private boolean fill(int n, long deadline) throws IOException {
        while (in.remaining() < n) {
            in.compact();
            int r = channel.read(in);
            in.flip();
            if (r < 0) {
                return false;
            }
            if (r == 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new SocketTimeoutException("nothing from the server in time");
                }
                selector.select(Math.max(1, left / 1_000_000));
                selector.selectedKeys().clear();
            }
        }
        return true;
    }

    private void write(byte[] bytes) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
            channel.write(b);
        }
    }

    @Override
    public void close() throws IOException {
        selector.close();
        channel.close();
    }
}
