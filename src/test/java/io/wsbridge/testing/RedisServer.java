package io.wsbridge.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real redis-server (Debian's) of the test's own: a free 127.0.0.1 port, a temporary directory, no persistence
 * (so a restart loses every key, the harder case for the bus), stopped by the test. Tests that need it are
 * skipped, saying so, when redis-server is not installed (.ci/run installs it).
 */
public final class RedisServer implements AutoCloseable {
    private final Path dir;
    private final int port;
    private final List<String> extra;
    private Process process;

    private RedisServer(Path dir, int port, List<String> extra) {
        this.dir = dir;
        this.port = port;
        this.extra = List.copyOf(extra);
    }

    /** The binary, or null when it is not installed. */
    public static String binary() {
        for (String candidate : List.of("/usr/bin/redis-server", "/usr/local/bin/redis-server")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        return null;
    }

    /** Skips the calling test (with a SKIPPED line on stdout) when redis-server is missing. */
    public static void assumeInstalled(String test) {
        if (binary() == null) {
            String message = "SKIPPED " + test + ": redis-server is not installed (apt-get install redis-server)";
            System.out.println(message);
            Assumptions.abort(message);
        }
    }

    public static RedisServer start(Path dir, String... extraArgs) throws Exception {
        RedisServer r = new RedisServer(dir, freePort(), List.of(extraArgs));
        r.launch();
        return r;
    }

    /** Only TLS (rediss://) on its port, with this certificate and key; clients need not show one. */
    public static RedisServer startTls(Path dir, Path cert, Path key, Path ca) throws Exception {
        RedisServer r = new RedisServer(dir, freePort(), List.of("--tls-cert-file", cert.toString(),
                "--tls-key-file", key.toString(), "--tls-ca-cert-file", ca.toString(), "--tls-auth-clients", "no"));
        r.launch();
        return r;
    }

    private boolean tls() {
        return extra.contains("--tls-cert-file");
    }

    public int port() {
        return port;
    }

    public String url() {
        return (tls() ? "rediss" : "redis") + "://127.0.0.1:" + port;
    }

    public long pid() {
        return process.pid();
    }

    private void launch() throws Exception {
        List<String> cmd = new ArrayList<>(List.of(binary(), "--port", tls() ? "0" : Integer.toString(port),
                "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--daemonize", "no",
                "--logfile", dir.resolve("redis-" + port + ".log").toString()));
        cmd.addAll(extra);
        if (tls()) {
            cmd.addAll(List.of("--tls-port", Integer.toString(port)));
        }
        process = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("redis-" + port + ".out").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("redis-server exited: " + Files.readString(dir.resolve("redis-" + port + ".log")));
            }
            try {
                String pong = command(extra.contains("--requirepass") || tls() ? null : "PING");
                if (pong == null || pong.startsWith("+PONG") || pong.startsWith("-NOAUTH")) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("redis-server did not answer on port " + port);
            }
            Thread.sleep(20);
        }
    }

    /** Sends one inline command and returns the first line of the reply (null: only checked that it connects). */
    public String command(String inline) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            s.setSoTimeout(5000);
            if (inline == null) {
                return null;
            }
            OutputStream out = s.getOutputStream();
            out.write((inline + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = s.getInputStream();
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = in.read()) >= 0 && c != '\n') {
                if (c != '\r') {
                    line.append((char) c);
                }
            }
            return line.toString();
        }
    }

    /** The keys matching {@code pattern} (KEYS; fine for a test's few keys), read from the array reply. */
    public List<String> keys(String pattern) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            s.setSoTimeout(5000);
            s.getOutputStream().write(("KEYS " + pattern + "\r\n").getBytes(StandardCharsets.UTF_8));
            s.getOutputStream().flush();
            java.io.BufferedReader in = new java.io.BufferedReader(
                    new java.io.InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            String head = in.readLine();
            if (head == null || !head.startsWith("*")) {
                throw new IOException("KEYS answered " + head);
            }
            List<String> keys = new ArrayList<>();
            for (int i = Integer.parseInt(head.substring(1)); i > 0; i--) {
                in.readLine(); // $LENGTH
                keys.add(in.readLine());
            }
            return keys;
        }
    }

    /** Stops it at once (SIGKILL): every key is lost, clients see their connections drop. */
    public void kill() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Starts it again on the same port (empty, as after a crash without persistence). */
    public void restart() throws Exception {
        kill();
        launch();
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }
}
