package io.wsbridge.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.wsbridge.testing.Client;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged server started through bin/wsbridge on the Java that runs this test (JAVA_HOME is set to it), as
 * a user starts it: the CI runs the suite on Java 17 and again on Java 25, so both are tried. On Java 25 a
 * first message longer than a few bytes used to be answered with 1011 (unmasking used sun.misc.Unsafe, which
 * Netty 4.2 leaves alone there), and about one start in six died with "Unable to create Channel" (a start-up
 * thread set up a class that needs the epoll library before it was loaded).
 */
@Timeout(300)
class JavaRuntimeIT {
    private static final Path TOP = Path.of("").toAbsolutePath();
    private static final Path LAUNCHER = TOP.resolve("bin/wsbridge");

    @TempDir
    Path dir;

    /**
     * The first start of a new jar on a Java makes the class-data-sharing archive (a second or so, but tens of
     * seconds on a machine busy with other builds): made here once, so that the tests time server starts.
     */
    @BeforeAll
    static void classDataArchiveMade() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(LAUNCHER.toString(), "--version").redirectErrorStream(true);
        pb.environment().remove("JAVA_OPTS");
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(180, TimeUnit.SECONDS)).as("bin/wsbridge --version within 180 s").isTrue();
        assertThat(out).startsWith("wsbridge ");
    }

    @Test
    void messagesSentRightAfterTheHandshakeComeBack() throws Exception {
        try (Server server = Server.start(dir, "cat")) {
            try (Client client = Client.connect(server.url())) {
                for (int length : new int[] {1, 7, 8, 9, 100, 125, 126, 65_535, 65_536, 200_000}) {
                    String text = "abcdefghij".repeat(length / 10 + 1).substring(0, length);
                    client.send(text);
                    assertThat(client.nextText(20)).as("echo of %d characters", length).isEqualTo(text);
                }
            }
            assertThat(server.stop()).isZero();
            assertThat(server.stderr()).as("nothing on stderr (no JVM or library warnings)").isEmpty();
            assertThat(server.stdout()).as("only wsbridge's log on stdout").doesNotContain("WARNING:", "[error]",
                    "[warning]");
        }
    }

    @Test
    void binaryMessagesSentRightAfterTheHandshakeComeBack() throws Exception {
        try (Server server = Server.start(dir, "--binary", "cat")) {
            try (Client client = Client.connect(server.url())) {
                byte[] data = new byte[70_000];
                for (int i = 0; i < data.length; i++) {
                    data[i] = (byte) (i * 31);
                }
                client.sendBinary(data);
                java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
                while (got.size() < data.length) {
                    Client.Event e = client.next(20);
                    assertThat(e).as("binary echo").isInstanceOf(Client.Binary.class);
                    got.writeBytes(((Client.Binary) e).data());
                }
                assertThat(got.toByteArray()).isEqualTo(data);
            }
            assertThat(server.stop()).isZero();
            assertThat(server.stderr()).isEmpty();
        }
    }

    @Test
    void startsAndStopsFiftyTimesInARow() throws Exception {
        for (int i = 1; i <= 50; i++) {
            try (Server server = Server.start(dir, "cat")) {
                try (Client client = Client.connect(server.url())) {
                    client.send("start " + i + " of 50");
                    assertThat(client.nextText(20)).as("echo on start %d", i).isEqualTo("start " + i + " of 50");
                }
                assertThat(server.stop()).as("exit code of start %d", i).isZero();
                assertThat(server.stderr()).as("stderr of start %d", i).isEmpty();
                assertThat(server.stdout()).as("stdout of start %d", i).doesNotContain("WARNING:", "[error]",
                        "[warning]");
            }
        }
    }

    /**
     * What start-up is spared, seen in the classes a start and a first session load: the server's classes come
     * from the class data archive; java -jar's reading of the manifest (the launcher starts the class path) and
     * java.lang.SecurityManager's static set-up (a walk over every package of the JDK, run by JNA's Java 8
     * fallback, which the jar leaves out) do not happen; each cost several milliseconds of every start.
     */
    @Test
    void aStartSkipsWhatItDoesNotNeed() throws Exception {
        Path classes = dir.resolve("classes.log");
        try (Server server = Server.start(dir, List.of("-Xlog:class+load=info:file=" + classes), "cat")) {
            try (Client client = Client.connect(server.url())) {
                client.send("lean");
                assertThat(client.nextText(20)).isEqualTo("lean");
            }
            assertThat(server.stop()).isZero();
        }
        String loaded = Files.readString(classes);
        assertThat(loaded).contains("io.wsbridge.Main source: shared objects file",
                "io.wsbridge.server.WsbridgeServer source: shared objects file",
                "com.sun.jna.Native source: shared objects file");
        assertThat(loaded).as("the jar's manifest is not read before main()")
                .doesNotContain("sun.launcher.LauncherHelper$$Lambda");
        assertThat(loaded).as("java.lang.SecurityManager's static set-up never runs")
                .doesNotContain("java.lang.SecurityManager$$Lambda", "com.sun.jna.SecurityManagerExposer");
    }

    /** bin/wsbridge on a free 127.0.0.1 port, stdout and stderr in files of their own. */
    private record Server(Process process, int port, Path out, Path err) implements AutoCloseable {
        static Server start(Path dir, String... args) throws Exception {
            return start(dir, List.of(), args);
        }

        /** @param javaOpts JAVA_OPTS for the server's JVM */
        static Server start(Path dir, List<String> javaOpts, String... args) throws Exception {
            for (int attempt = 0; attempt < 5; attempt++) {
                int port;
                try (ServerSocket s = new ServerSocket(0)) {
                    port = s.getLocalPort();
                }
                Path out = Files.createTempFile(dir, "stdout", ".txt");
                Path err = Files.createTempFile(dir, "stderr", ".txt");
                List<String> cmd = new java.util.ArrayList<>(List.of(LAUNCHER.toString(), "--port=" + port,
                        "--address=127.0.0.1"));
                cmd.addAll(List.of(args));
                ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
                pb.environment().remove("JAVA_OPTS");
                if (!javaOpts.isEmpty()) {
                    pb.environment().put("JAVA_OPTS", String.join(" ", javaOpts));
                }
                pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
                Server server = new Server(pb.start(), port, out, err);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (System.nanoTime() < deadline && server.process.isAlive()
                        && !Files.readString(out).contains("Starting WebSocket server")) {
                    Thread.sleep(10);
                }
                if (Files.readString(out).contains("Starting WebSocket server")) {
                    return server;
                }
                String exit = server.process.isAlive() ? "still starting after 60 s" : "exit "
                        + server.process.exitValue();
                server.close();
                String log = Files.readString(out) + Files.readString(err);
                if (!log.toLowerCase(java.util.Locale.ROOT).contains("address already in use")) {
                    throw new AssertionError("server did not start (" + exit + "): " + log);
                }
                // the port was taken meanwhile: another one
            }
            throw new AssertionError("no free port after 5 attempts");
        }

        String url() {
            return "ws://127.0.0.1:" + port + "/";
        }

        /** SIGTERM, then the exit code. */
        int stop() throws Exception {
            new ProcessBuilder("kill", "-TERM", Long.toString(process.pid())).start().waitFor(10, TimeUnit.SECONDS);
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                throw new AssertionError("still running 20 s after SIGTERM: " + Files.readString(out));
            }
            return process.exitValue();
        }

        String stdout() throws IOException {
            return Files.readString(out, StandardCharsets.UTF_8);
        }

        String stderr() throws IOException {
            return Files.readString(err, StandardCharsets.UTF_8);
        }

        @Override
        public void close() throws Exception {
            // the launcher's children too (a JVM making the archive, before the launcher execs the server)
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            if (process.isAlive()) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
