import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts a WebSocket server command, connects as soon as it accepts, has one message echoed, then ends the
 * server with SIGTERM and waits for it. Prints how long the server took, from the moment it was started, to
 * accept the first WebSocket connection (101) and to echo the first message.
 *
 * <p>Used two ways by the build and the README's measurements (single-file program: {@code java FirstEcho.java}):
 * <ul>
 *   <li>as the class-data-sharing training run: the server command runs with -XX:DumpLoadedClassList, and
 *       this one connection (plus a plain HTTP request) is the work whose classes are recorded;</li>
 *   <li>to measure start-up: {@code --runs N} repeats and prints the mean and the median.</li>
 * </ul>
 * With {@code --sessions N}, N-1 more whole sessions (20 echoes each) follow the timed one before the server is
 * stopped: the training run for a Java 25 AOT cache.
 * Usage: {@code java FirstEcho.java [--runs N] [--sessions N] -- SERVER COMMAND ... {port} ...} where {port} is replaced by a
 * free loopback port; the server must echo text messages (e.g. wsbridge ... /bin/cat). Every wait is bounded.
 */
public class FirstEcho {
    private static final long DEADLINE_MS = 60_000;
    /** WebSocket sessions per server start (--sessions): the first is timed, the others are training. */
    private static int sessions = 1;

    public static void main(String[] args) throws Exception {
        int runs = 1;
        int i = 0;
        while (i < args.length && !args[i].equals("--")) {
            if (args[i].equals("--runs")) {
                runs = Integer.parseInt(args[++i]);
            } else if (args[i].equals("--sessions")) {
                sessions = Integer.parseInt(args[++i]);
            } else {
                usage();
            }
            i++;
        }
        if (i >= args.length - 1) {
            usage();
        }
        List<String> command = Arrays.asList(args).subList(i + 1, args.length);
        long[] accepted = new long[runs];
        long[] echoed = new long[runs];
        for (int run = 0; run < runs; run++) {
            long[] t = once(command);
            accepted[run] = t[0];
            echoed[run] = t[1];
        }
        if (runs == 1) {
            System.out.printf("first connection accepted after %.1f ms, first echo after %.1f ms%n",
                    accepted[0] / 1e6, echoed[0] / 1e6);
        } else {
            System.out.printf("%d runs: first connection accepted after %.1f ms mean / %.1f ms median, "
                    + "first echo after %.1f ms mean / %.1f ms median%n", runs, mean(accepted) / 1e6,
                    median(accepted) / 1e6, mean(echoed) / 1e6, median(echoed) / 1e6);
        }
    }

    private static void usage() {
        System.err.println("usage: java FirstEcho.java [--runs N] [--sessions N] -- SERVER COMMAND ... {port} ...");
        System.exit(2);
    }

    /** One server start: {nanoseconds to the 101, nanoseconds to the echo}. */
    private static long[] once(List<String> template) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<String> command = new ArrayList<>();
        for (String arg : template) {
            command.add(arg.replace("{port}", Integer.toString(port)));
        }
        Path log = Files.createTempFile("firstecho", ".log");
        long start = System.nanoTime();
        Process server = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            Socket socket = connect(port, server, start, log);
            try (socket) {
                socket.setSoTimeout((int) DEADLINE_MS);
                DataInputStream in = new DataInputStream(socket.getInputStream());
                OutputStream out = socket.getOutputStream();
                out.write(("GET / HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
                        + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                        + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                String head = readHead(in);
                if (!head.startsWith("HTTP/1.1 101")) {
                    throw fail("no 101 but: " + head, log);
                }
                long acceptedAt = System.nanoTime() - start;
                out.write(frame(0x1, "hello".getBytes(StandardCharsets.UTF_8)));
                out.flush();
                String echo = readText(in);
                long echoedAt = System.nanoTime() - start;
                if (!echo.equals("hello")) {
                    throw fail("echo was '" + echo + "'", log);
                }
                out.write(frame(0x8, new byte[] {0x03, (byte) 0xe8})); // close 1000
                out.flush();
                plainRequest(port);
                for (int n = 1; n < sessions; n++) {
                    session(port, log);
                }
                return new long[] {acceptedAt, echoedAt};
            }
        } finally {
            server.destroy(); // SIGTERM: wsbridge shuts down in order and exits 0
            // A JVM writing an AOT cache at exit (-XX:AOTCacheOutput) takes a few seconds more.
            if (!server.waitFor(120, TimeUnit.SECONDS)) {
                server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw fail("server did not exit within 120 s of SIGTERM", log);
            }
            if (server.exitValue() != 0) {
                throw fail("server exited " + server.exitValue(), log);
            }
            Files.deleteIfExists(log);
        }
    }

    /** One more whole session: handshake, 20 echoes of different lengths, the closing handshake. */
    private static void session(int port, Path log) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout((int) DEADLINE_MS);
            DataInputStream in = new DataInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            out.write(("GET /s HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String head = readHead(in);
            if (!head.startsWith("HTTP/1.1 101")) {
                throw fail("no 101 but: " + head, log);
            }
            for (int m = 0; m < 20; m++) {
                String text = "message " + m + " " + "x".repeat(m * 5);
                out.write(frame(0x1, text.getBytes(StandardCharsets.UTF_8)));
                out.flush();
                if (!readText(in).equals(text)) {
                    throw fail("a training echo differed", log);
                }
            }
            out.write(frame(0x8, new byte[] {0x03, (byte) 0xe8}));
            out.flush();
            in.readAllBytes(); // the server's close frame, then the end of the connection
        }
    }

    private static Socket connect(int port, Process server, long start, Path log) throws Exception {
        while (true) {
            Socket s = new Socket();
            try {
                s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                return s;
            } catch (ConnectException notYet) {
                s.close();
                if (!server.isAlive()) {
                    throw fail("server exited " + server.exitValue() + " before accepting", log);
                }
                if (System.nanoTime() - start > DEADLINE_MS * 1_000_000) {
                    throw fail("server did not accept within " + DEADLINE_MS + " ms", log);
                }
                Thread.sleep(2);
            }
        }
    }

    /** A plain HTTP request too, so that a training run also loads what answers those. */
    private static void plainRequest(int port) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout((int) DEADLINE_MS);
            s.getOutputStream().write("GET /nothing-here HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            s.getInputStream().readAllBytes();
        }
    }

    private static String readHead(DataInputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed during the handshake: " + head);
            }
            head.write(b);
            matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    private static String readText(DataInputStream in) throws IOException {
        int b0 = in.readUnsignedByte();
        int len = in.readUnsignedByte() & 0x7f;
        if ((b0 & 0x0f) != 0x1 || len >= 126) {
            throw new IOException("unexpected frame " + Integer.toHexString(b0) + " length " + len);
        }
        byte[] payload = new byte[len];
        in.readFully(payload);
        return new String(payload, StandardCharsets.UTF_8);
    }

    /** A short masked client frame. */
    private static byte[] frame(int opcode, byte[] payload) {
        byte[] mask = {0x11, 0x22, 0x33, 0x44};
        byte[] f = new byte[6 + payload.length];
        f[0] = (byte) (0x80 | opcode);
        f[1] = (byte) (0x80 | payload.length);
        System.arraycopy(mask, 0, f, 2, 4);
        for (int i = 0; i < payload.length; i++) {
            f[6 + i] = (byte) (payload[i] ^ mask[i % 4]);
        }
        return f;
    }

    private static IllegalStateException fail(String what, Path log) throws IOException {
        return new IllegalStateException(what + "\nserver output:\n" + Files.readString(log));
    }

    private static double mean(long[] v) {
        return Arrays.stream(v).average().orElse(0);
    }

    private static double median(long[] v) {
        long[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2.0;
    }
}
