package io.wsbridge.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.wsbridge.testing.Client;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** bin/wsbridge with the packaged jar, as a user runs it. */
@Timeout(120)
class LauncherIT {
    private static final Path TOP = Path.of("").toAbsolutePath();
    private static final Path LAUNCHER = TOP.resolve("bin/wsbridge");

    @TempDir
    Path dir;

    record Result(int code, String stdout, String stderr) {
    }

    private Result run(Path cwd, Map<String, String> env, String... command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).directory(cwd.toFile());
        pb.environment().remove("JAVA_OPTS");
        pb.environment().putAll(env);
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("launcher did not finish");
        }
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    @Test
    void runsFromAnyDirectoryAndThroughASymlink() throws Exception {
        Result r = run(dir, Map.of(), LAUNCHER.toString(), "--version");
        assertThat(r.code()).isZero();
        assertThat(r.stdout()).startsWith("wsbridge 0.");
        Path link = dir.resolve("links/wsb");
        Files.createDirectories(link.getParent());
        Files.createSymbolicLink(link, LAUNCHER);
        Path link2 = dir.resolve("wsb2");
        Files.createSymbolicLink(link2, Path.of("links/wsb"));
        assertThat(run(dir, Map.of(), link2.toString(), "--version").stdout()).startsWith("wsbridge 0.");
    }

    @Test
    void exitCodesPassThrough() throws Exception {
        assertThat(run(dir, Map.of(), LAUNCHER.toString(), "--bogus", "cat").code()).isEqualTo(2);
        assertThat(run(dir, Map.of(), LAUNCHER.toString(), "--port=1").code()).isEqualTo(1);
    }

    @Test
    void honoursJavaHomeAndJavaOpts() throws Exception {
        Result r = run(dir, Map.of("JAVA_OPTS", "-XX:+UnlockDiagnosticVMOptions -XX:+PrintVMOptions"),
                LAUNCHER.toString(), "--version");
        assertThat(r.stdout()).contains("PrintVMOptions");
        Path javaHome = Path.of(System.getProperty("java.home"));
        r = run(dir, Map.of("JAVA_HOME", javaHome.toString()), LAUNCHER.toString(), "--version");
        assertThat(r.code()).isZero();
        assertThat(r.stdout()).contains("Java " + Runtime.version().feature());
        r = run(dir, Map.of("JAVA_HOME", "/no/such/jdk"), LAUNCHER.toString(), "--version");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.stderr()).contains("JAVA_HOME");
    }

    @Test
    void leanJvmDefaultsQuickCompilerOnlyUnlessTlsOrBcrypt() throws Exception {
        Map<String, String> flags = Map.of("JAVA_OPTS", "-XX:+PrintFlagsFinal");
        Result plain = run(dir, flags, LAUNCHER.toString(), "--version");
        assertThat(plain.code()).isZero();
        assertThat(flag(plain.stdout(), "TieredStopAtLevel")).isEqualTo("1");
        assertThat(flag(plain.stdout(), "UseSerialGC")).isEqualTo("true");
        assertThat(flag(plain.stdout(), "MaxNewSize")).isEqualTo(Long.toString(8L << 20));
        assertThat(flag(plain.stdout(), "InitialHeapSize")).isEqualTo(Long.toString(16L << 20));
        assertThat(flag(plain.stdout(), "CICompilerCount")).as("one compiler thread").isEqualTo("1");
        assertThat(flag(plain.stdout(), "UsePerfData")).as("no hsperfdata file at start").isEqualTo("false");
        assertThat(plain.stdout()).as("per-connection code (io.*) compiled after a tenth of the calls")
                .contains("CompileThresholdScaling,io/*.*,0.1")
                .as("but not the buffer pool's slow paths").contains("CompileThresholdScaling,io/netty/buffer/*.*,1.0")
                .as("the JVM does not announce its compile commands").doesNotContain("CompileCommand:");
        for (String computing : List.of("--ssl", "-ssl=true", "--basicauth=users.htpasswd")) {
            Result r = run(dir, flags, LAUNCHER.toString(), computing, "--version");
            assertThat(flag(r.stdout(), "TieredStopAtLevel")).as(computing + ": ciphers and bcrypt get the "
                    + "optimising compiler").isEqualTo("4");
            assertThat(Integer.parseInt(flag(r.stdout(), "CICompilerCount"))).as("one thread for each compiler")
                    .isGreaterThanOrEqualTo(2);
            assertThat(r.stdout()).as(computing + ": the optimising compiler's thresholds stay")
                    .doesNotContain("CompileThresholdScaling,io/");
        }
        Result off = run(dir, flags, LAUNCHER.toString(), "--ssl=false", "--version");
        assertThat(flag(off.stdout(), "TieredStopAtLevel")).isEqualTo("1");
    }

    /** The value of one flag in -XX:+PrintFlagsFinal output ("     intx TieredStopAtLevel   = 1   {...}"). */
    private static String flag(String printFlagsFinal, String name) {
        for (String line : printFlagsFinal.split("\n")) {
            String[] words = line.trim().split("\\s+");
            if (words.length >= 4 && words[1].equals(name) && words[2].equals("=")) {
                return words[3];
            }
        }
        throw new AssertionError(name + " not in the JVM's flags: " + printFlagsFinal);
    }

    @Test
    void withoutABuiltJarItSaysToBuildFirst() throws Exception {
        Path fresh = dir.resolve("clone/bin/wsbridge");
        Files.createDirectories(fresh.getParent());
        Files.copy(LAUNCHER, fresh);
        Result r = run(dir, Map.of(), fresh.toString(), "--version");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.stderr()).contains("build it first").contains("mvn");
    }

    @Test
    void servesCountShAndStopsCleanlyOnSigterm() throws Exception {
        int port = freePort();
        List<String> cmd = new ArrayList<>(List.of(LAUNCHER.toString(), "--port=" + port, "--address=127.0.0.1",
                TOP.resolve("examples/count.sh").toString()));
        Path log = dir.resolve("server.log");
        Process server = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            awaitLine(log, "Starting WebSocket server");
            try (Client client = Client.connect("ws://127.0.0.1:" + port + "/")) {
                assertThat(client.nextText(10)).isEqualTo("1");
                assertThat(client.nextText(10)).isEqualTo("2");
                new ProcessBuilder("kill", "-TERM", Long.toString(server.pid())).start().waitFor();
                assertThat(client.awaitClose(10).code()).isEqualTo(1001);
            }
            assertThat(server.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(server.exitValue()).as("exec passes the JVM's exit code through").isZero();
        } finally {
            server.destroyForcibly();
        }
    }

    /**
     * Netty reaches raw memory through sun.misc.Unsafe on every Java the launcher starts, with no warning from the
     * JDK: from Java 25 on Netty 4.2 leaves Unsafe alone unless the JVM was started with
     * --sun-misc-unsafe-memory-access=allow (the property it reads), and Java 24+ warns on stderr when Unsafe is
     * used without it; Java 22 and older refuse the option. Netty's own debug line saying Unsafe is available is not
     * always in the log (its chatter from before logging is set up is dropped), so the JVM's command line is what
     * is checked, and the log only for the lines that must never be there. The Java of the running suite is the one under test (bin/test runs it
     * on 17 and on 25).
     */
    @Test
    void nettyUsesUnsafeAndTheJdkDoesNotWarn() throws Exception {
        int port = freePort();
        Path log = dir.resolve("debug.log");
        ProcessBuilder pb = new ProcessBuilder(LAUNCHER.toString(), "--port=" + port, "--address=127.0.0.1",
                "--loglevel=debug", "cat").redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().remove("JAVA_OPTS");
        Process server = pb.start();
        try {
            awaitLine(log, "Starting WebSocket server");
            // The launcher execs the JVM, so the process started is the JVM itself.
            String jvmArgs = Files.readString(Path.of("/proc", Long.toString(server.pid()), "cmdline"))
                    .replace('\0', ' ');
            int feature = Runtime.version().feature();
            if (feature >= 24) {
                assertThat(jvmArgs).as("Java " + feature).contains("--sun-misc-unsafe-memory-access=allow");
            } else {
                assertThat(jvmArgs).as("Java " + feature).doesNotContain("--sun-misc-unsafe-memory-access");
            }
            try (Client client = Client.connect("ws://127.0.0.1:" + port + "/")) {
                client.send("over direct buffers");
                assertThat(client.nextText(10)).isEqualTo("over direct buffers");
            }
            new ProcessBuilder("kill", "-TERM", Long.toString(server.pid())).start().waitFor();
            assertThat(server.waitFor(10, TimeUnit.SECONDS)).isTrue();
            String output = Files.readString(log, StandardCharsets.UTF_8);
            assertThat(output).as("Netty's own report on Java " + feature)
                    .doesNotContain("sun.misc.Unsafe: unavailable")
                    .doesNotContain("terminally deprecated method in sun.misc.Unsafe");
        } finally {
            server.destroyForcibly();
        }
    }

    /** A loopback port free a moment ago, for a server started as a separate process. */
    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void awaitLine(Path log, String text) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (Files.exists(log) && Files.readString(log, StandardCharsets.UTF_8).contains(text)) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("server never logged '" + text + "': " + Files.readString(log));
    }
}
