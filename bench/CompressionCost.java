import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * What --compress costs and saves, against a running wsbridge (see bench/compress.sh):
 *
 *   java bench/CompressionCost.java PORT SERVER_PID WORKLOAD MESSAGES COMPRESS
 *   java bench/CompressionCost.java PORT SERVER_PID memory CONNECTIONS COMPRESS
 *
 * WORKLOAD is chat (JSON chat lines of 80-120 bytes, as text) or random (1 KiB of random bytes, as binary);
 * the server runs `cat` with --framing=lengthprefixed. Messages are pipelined in a window of 64, like a
 * busy client. Prints bytes on the wire per message each way and the server's CPU time per message
 * (utime+stime of the wsbridge JVM from /proc, the `cat` children not included). "memory" opens CONNECTIONS
 * connections, exchanges one message on each, and prints the server's RSS growth per connection.
 */
public class CompressionCost {
    static final int WINDOW = 64;

    public static void main(String[] a) throws Exception {
        int port = Integer.parseInt(a[0]);
        long pid = Long.parseLong(a[1]);
        String workload = a[2];
        int n = Integer.parseInt(a[3]);
        boolean compress = Boolean.parseBoolean(a[4]);
        if (workload.equals("memory")) {
            memory(port, pid, n, compress);
            return;
        }
        Random random = new Random(1);
        List<byte[]> messages = new ArrayList<>();
        String[] users = {"alice", "bob", "carol", "dave", "erin"};
        String[] words = {"hello", "how", "is", "everyone", "doing", "today", "the", "build", "passed", "again",
                "lunch", "at", "noon", "see", "you", "in", "room", "42", "thanks", "great"};
        for (int i = 0; i < n; i++) {
            if (workload.equals("chat")) {
                StringBuilder text = new StringBuilder();
                while (text.length() < 30 + random.nextInt(40)) {
                    text.append(words[random.nextInt(words.length)]).append(' ');
                }
                messages.add(String.format("{\"type\":\"message\",\"user\":\"%s\",\"seq\":%d,\"text\":\"%s\"}",
                        users[random.nextInt(users.length)], i, text.toString().trim()).getBytes(StandardCharsets.UTF_8));
            } else {
                byte[] b = new byte[1024];
                random.nextBytes(b);
                messages.add(b);
            }
        }
        int opcode = workload.equals("chat") ? 1 : 2;
        try (Conn c = new Conn(port, compress)) {
            for (int i = 0; i < 200; i++) { // warm-up
                c.send(opcode, messages.get(i % messages.size()));
                c.receive();
            }
            long cpu0 = cpuNanos(pid);
            long sent0 = c.sentBytes;
            long received0 = c.receivedBytes;
            long start = System.nanoTime();
            int sent = 0;
            int received = 0;
            while (received < n) {
                while (sent < n && sent - received < WINDOW) {
                    c.send(opcode, messages.get(sent++));
                }
                byte[] back = c.receive();
                if (!Arrays.equals(back, messages.get(received))) {
                    throw new IllegalStateException("echo " + received + " differs");
                }
                received++;
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double cpuUs = (cpuNanos(pid) - cpu0) / 1e3 / n;
            double plain = messages.stream().mapToInt(m -> m.length).sum() / (double) n;
            System.out.printf("%-6s compress=%-5s %7d msgs  %6.0f msgs/s  payload %6.1f B  wire up %6.1f B  down %6.1f B"
                            + "  (%.2fx)  server CPU %6.1f us/msg%n", workload, compress, n, n / seconds, plain,
                    (c.sentBytes - sent0) / (double) n, (c.receivedBytes - received0) / (double) n,
                    plain / ((c.receivedBytes - received0) / (double) n), cpuUs);
        }
    }

    static void memory(int port, long pid, int connections, boolean compress) throws Exception {
        long rss0 = rssKb(pid);
        List<Conn> open = new ArrayList<>();
        try {
            for (int i = 0; i < connections; i++) {
                Conn c = new Conn(port, compress);
                c.send(1, ("hello " + i).getBytes(StandardCharsets.UTF_8));
                c.receive();
                open.add(c);
            }
            Thread.sleep(500); // let the children settle before reading RSS (a measurement, not a synchronisation)
            long rss1 = rssKb(pid);
            System.out.printf("memory compress=%-5s %d connections: server RSS +%d KiB, %.0f KiB per connection%n",
                    compress, connections, rss1 - rss0, (rss1 - rss0) / (double) connections);
        } finally {
            for (Conn c : open) {
                c.close();
            }
        }
    }

    static long cpuNanos(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
        return ticks * 10_000_000L; // 100 ticks per second
    }

    static long rssKb(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        throw new IOException("no VmRSS");
    }

    /** A raw client speaking permessage-deflate with the JDK's zlib, as a browser would. */
    static final class Conn implements AutoCloseable {
        final Socket socket;
        final DataInputStream in;
        final OutputStream out;
        final boolean compress;
        final Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        final Inflater inflater = new Inflater(true);
        long sentBytes;
        long receivedBytes;

        Conn(int port, boolean compress) throws IOException {
            socket = new Socket("127.0.0.1", port);
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(30_000);
            in = new DataInputStream(socket.getInputStream());
            out = socket.getOutputStream();
            byte[] key = new byte[16];
            ThreadLocalRandom.current().nextBytes(key);
            String request = "GET / HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: "
                    + Base64.getEncoder().encodeToString(key) + "\r\n"
                    + (compress ? "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n" : "")
                    + "\r\n";
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                head.append((char) in.readUnsignedByte());
            }
            if (!head.toString().startsWith("HTTP/1.1 101")) {
                throw new IOException("no upgrade: " + head);
            }
            this.compress = compress && head.toString().toLowerCase().contains("permessage-deflate");
            if (compress && !this.compress) {
                throw new IOException("compression not agreed (is the server running with --compress?)");
            }
        }

        void send(int opcode, byte[] data) throws IOException {
            byte[] payload = compress ? deflate(data) : data;
            ByteBuffer b = ByteBuffer.allocate(payload.length + 14);
            b.put((byte) (0x80 | (compress ? 0x40 : 0) | opcode));
            if (payload.length < 126) {
                b.put((byte) (0x80 | payload.length));
            } else if (payload.length < 65536) {
                b.put((byte) (0x80 | 126)).putShort((short) payload.length);
            } else {
                b.put((byte) (0x80 | 127)).putLong(payload.length);
            }
            b.putInt(0); // a zero mask: the server unmasks all the same
            b.put(payload);
            out.write(b.array(), 0, b.position());
            sentBytes += b.position();
        }

        byte[] receive() throws Exception {
            ByteArrayOutputStream message = new ByteArrayOutputStream();
            boolean compressed = false;
            boolean first = true;
            while (true) {
                int b0 = in.readUnsignedByte();
                int b1 = in.readUnsignedByte();
                long len = b1 & 0x7f;
                int header = 2;
                if (len == 126) {
                    len = in.readUnsignedShort();
                    header += 2;
                } else if (len == 127) {
                    len = in.readLong();
                    header += 8;
                }
                byte[] payload = new byte[(int) len];
                in.readFully(payload);
                receivedBytes += header + len;
                if (first) {
                    compressed = (b0 & 0x40) != 0;
                    first = false;
                }
                message.write(payload);
                if ((b0 & 0x80) != 0) {
                    break;
                }
            }
            return compressed ? inflate(message.toByteArray()) : message.toByteArray();
        }

        byte[] deflate(byte[] data) {
            deflater.setInput(data);
            ByteArrayOutputStream o = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            int k;
            do {
                k = deflater.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH);
                o.write(buf, 0, k);
            } while (k == buf.length);
            byte[] all = o.toByteArray();
            return all.length == 0 ? new byte[] {0} : Arrays.copyOf(all, all.length - 4);
        }

        byte[] inflate(byte[] payload) throws Exception {
            byte[] withTail = Arrays.copyOf(payload, payload.length + 4);
            withTail[payload.length + 2] = (byte) 0xff;
            withTail[payload.length + 3] = (byte) 0xff;
            inflater.setInput(withTail);
            ByteArrayOutputStream o = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            while (!inflater.needsInput()) {
                o.write(buf, 0, inflater.inflate(buf));
            }
            return o.toByteArray();
        }

        @Override
        public void close() throws IOException {
            deflater.end();
            inflater.end();
            socket.close();
        }
    }
}
