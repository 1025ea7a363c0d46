package io.wsbridge.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * wsbridge as its own process (for what needs one: signals to the server, exit codes, a small heap), started
 * from this build's classes with {@code java}. Its stdout and stderr are collected line by line.
 */
public final class ExternalServer implements AutoCloseable {
    private final Process process;
    private final List<String> output = new CopyOnWriteArrayList<>();
    private final int port;

    private ExternalServer(Process process, int port) {
        this.process = process;
        this.port = port;
        Thread t = new Thread(this::collect, "external-server-output");
        t.setDaemon(true);
        t.start();
    }

    /** Runs {@code java jvmOptions io.wsbridge.Main args} and returns without waiting. */
    public static ExternalServer launch(List<String> jvmOptions, List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.addAll(java());
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("io.wsbridge.Main");
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        return new ExternalServer(pb.start(), -1);
    }

    /** Starts a server on a free 127.0.0.1 port and waits until it accepts connections. */
    public static ExternalServer start(List<String> jvmOptions, String... args) throws Exception {
        List<String> base = new ArrayList<>(java());
        base.addAll(jvmOptions);
        base.add("-cp");
        base.add(System.getProperty("java.class.path"));
        base.add("io.wsbridge.Main");
        return startCommand(base, args);
    }

    /**
     * The same with any command that runs wsbridge ({@code prlimit ... java -jar target/wsbridge.jar}, ...);
     * --port and --address are added to {@code args}.
     */
    public static ExternalServer startCommand(List<String> command, String... args) throws Exception {
        for (int attempt = 0; attempt < 5; attempt++) {
            int port = freePort();
            List<String> cmd = new ArrayList<>(command);
            cmd.addAll(List.of("--port=" + port, "--address=127.0.0.1"));
            cmd.addAll(List.of(args));
            ExternalServer s = new ExternalServer(new ProcessBuilder(cmd).redirectErrorStream(true).start(), port);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (System.nanoTime() < deadline) {
                if (s.output.stream().anyMatch(l -> l.contains("Starting WebSocket server"))) {
                    return s;
                }
                if (!s.process.isAlive()) {
                    break;
                }
                Thread.sleep(10);
            }
            s.process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            if (s.process.exitValue() != 3) {
                throw new AssertionError("server did not start: " + s.output);
            }
            // exit 3: the port was taken meanwhile; try another
        }
        throw new AssertionError("no free port after 5 attempts");
    }

    /** The command that runs this build's wsbridge: {@code java jvmOptions -cp ... io.wsbridge.Main args}. */
    public static List<String> javaCommand(List<String> jvmOptions, List<String> args) {
        List<String> cmd = new ArrayList<>(java());
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("io.wsbridge.Main");
        cmd.addAll(args);
        return cmd;
    }

    /**
     * Runs {@code command} (which starts wsbridge, e.g. a wrapper that passes it sockets) with {@code extraEnv}
     * added to this JVM's environment, and returns without waiting.
     */
    public static ExternalServer launchCommand(List<String> command, Map<String, String> extraEnv)
            throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(extraEnv);
        return new ExternalServer(pb.start(), -1);
    }

    /** Waits until an output line contains {@code fragment}; fails after {@code seconds} or if the process ends. */
    public void awaitOutput(String fragment, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (output.stream().anyMatch(l -> l.contains(fragment))) {
                return;
            }
            if (!process.isAlive()) {
                Thread.sleep(50); // the collector's last lines
                if (output.stream().anyMatch(l -> l.contains(fragment))) {
                    return;
                }
                throw new AssertionError("exited " + process.exitValue() + " before '" + fragment + "': " + output);
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no '" + fragment + "' within " + seconds + " s: " + output);
    }

    /** The java of this test run, allowed native access from Java 22 on (as bin/wsbridge allows it). */
    private static List<String> java() {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return Runtime.version().feature() >= 22 ? List.of(java, "--enable-native-access=ALL-UNNAMED") : List.of(java);
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private void collect() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                output.add(line);
            }
        } catch (IOException ignored) {
            // process gone
        }
    }

    public int port() {
        return port;
    }

    public String url(String path) {
        return "ws://127.0.0.1:" + port + path;
    }

    public long pid() {
        return process.pid();
    }

    public Process process() {
        return process;
    }

    public List<String> output() {
        return output;
    }

    /** Waits for the process to exit and returns its exit code; fails after {@code seconds}. */
    public int awaitExit(long seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            throw new AssertionError("server still running after " + seconds + " s; output: " + output);
        }
        // let the collector drain the last lines
        Thread.sleep(50);
        return process.exitValue();
    }

    /** Sends a signal to the server process (TERM, INT, ...). */
    public void signal(String name) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start();
        kill.waitFor(5, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws Exception {
        if (process.isAlive()) {
            signal("TERM");
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }
}
