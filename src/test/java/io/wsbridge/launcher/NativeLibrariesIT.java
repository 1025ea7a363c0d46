package io.wsbridge.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.wsbridge.testing.Client;
import io.wsbridge.testing.MappedLibraries;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * JNA's and Netty's native libraries, which the build unpacks into target/native/x86_64: bin/wsbridge loads them
 * from there, so that a start writes no temporary file (each library used to be extracted from the jar into one,
 * loaded and deleted: Netty's into java.io.tmpdir, JNA's into $XDG_CACHE_HOME/JNA/temp). Without that directory
 * the libraries are extracted as before. On the Java of the test run (17, and 25 in CI's second run).
 */
@Timeout(180)
class NativeLibrariesIT {
    private static final Path TOP = Path.of("").toAbsolutePath();
    private static final Path LAUNCHER = TOP.resolve("bin/wsbridge");
    private static final Path SHIPPED = TOP.resolve("target/native/x86_64");
    private static final FileTime LONG_AGO = FileTime.fromMillis(946_684_800_000L); // 2000-01-01

    @TempDir
    Path dir;
    Path tmp;
    Path cache;

    @BeforeEach
    void emptyTemporaryDirectories() throws Exception {
        Assumptions.assumeTrue(List.of("amd64", "x86_64").contains(System.getProperty("os.arch")),
                "native libraries are shipped for x86_64 only; other architectures extract them as before");
        tmp = Files.createDirectories(dir.resolve("tmp"));
        cache = Files.createDirectories(dir.resolve("cache"));
        // A file created and deleted again leaves its trace in the directory's time of modification.
        Files.setLastModifiedTime(tmp, LONG_AGO);
        Files.setLastModifiedTime(cache, LONG_AGO);
    }

    @Test
    void theLauncherLoadsTheShippedLibrariesAndWritesNoTemporaryFile() throws Exception {
        assertThat(SHIPPED.resolve(MappedLibraries.JNA)).isRegularFile();
        assertThat(SHIPPED.resolve(MappedLibraries.NETTY_EPOLL)).isRegularFile();
        Mappings m = sessionOf(Map.of());
        assertThat(m.jna()).as("JNA's stub").contains(SHIPPED.resolve(MappedLibraries.JNA).toRealPath().toString());
        assertThat(m.netty()).as("Netty's epoll library")
                .contains(SHIPPED.resolve(MappedLibraries.NETTY_EPOLL).toRealPath().toString());
        assertNothingWritten(tmp);
        assertNothingWritten(cache);
    }

    /** A jar without the directory beside it (copied alone; or another architecture): extracted, as before. */
    @Test
    void aJarWithoutTheDirectoryExtractsThemAsBefore() throws Exception {
        Path jar = Files.createDirectories(dir.resolve("elsewhere")).resolve("wsbridge.jar");
        Files.copy(TOP.resolve("target/wsbridge.jar"), jar);
        Mappings m = sessionOf(Map.of("WSBRIDGE_JAR", jar.toString()));
        String jnaTemp = cache.toRealPath().resolve("JNA/temp").toString();
        String tmpReal = tmp.toRealPath().toString();
        assertThat(m.jna()).as("JNA's stub, extracted").hasValueSatisfying(p -> assertThat(p)
                .startsWith(jnaTemp).endsWith(" (deleted)"));
        assertThat(m.netty()).as("Netty's epoll library, extracted").hasValueSatisfying(p -> assertThat(p)
                .startsWith(tmpReal).endsWith(" (deleted)"));
        assertThat(Files.getLastModifiedTime(tmp)).as("a file was made and deleted in java.io.tmpdir")
                .isNotEqualTo(LONG_AGO);
    }

    private record Mappings(Optional<String> jna, Optional<String> netty) {
    }

    /**
     * bin/wsbridge ... cat with java.io.tmpdir and XDG_CACHE_HOME pointing at the empty directories: one echo,
     * the libraries the server has mapped while it runs, then SIGTERM (exit 0, nothing on stderr).
     */
    private Mappings sessionOf(Map<String, String> env) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path out = dir.resolve("stdout.txt");
        Path err = dir.resolve("stderr.txt");
        ProcessBuilder pb = new ProcessBuilder(LAUNCHER.toString(), "--port=" + port, "--address=127.0.0.1", "cat")
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("JAVA_OPTS", "-Djava.io.tmpdir=" + tmp);
        pb.environment().put("XDG_CACHE_HOME", cache.toString());
        pb.environment().putAll(env);
        Process server = pb.start(); // the launcher execs the JVM: the same process
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (!Files.readString(out).contains("Starting WebSocket server")) {
                if (!server.isAlive() || System.nanoTime() > deadline) {
                    throw new AssertionError("server did not start: " + Files.readString(out)
                            + Files.readString(err));
                }
                Thread.sleep(10);
            }
            try (Client client = Client.connect("ws://127.0.0.1:" + port + "/")) {
                client.send("native");
                assertThat(client.nextText(20)).isEqualTo("native");
            }
            Mappings m = new Mappings(MappedLibraries.jna(server.pid()), MappedLibraries.nettyEpoll(server.pid()));
            new ProcessBuilder("kill", "-TERM", Long.toString(server.pid())).start().waitFor(10, TimeUnit.SECONDS);
            assertThat(server.waitFor(20, TimeUnit.SECONDS)).as("stopped by SIGTERM").isTrue();
            assertThat(server.exitValue()).isZero();
            assertThat(Files.readString(err, StandardCharsets.UTF_8)).as("stderr").isEmpty();
            return m;
        } finally {
            server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static void assertNothingWritten(Path directory) throws Exception {
        try (Stream<Path> files = Files.list(directory)) {
            assertThat(files).as("files in %s", directory).isEmpty();
        }
        assertThat(Files.getLastModifiedTime(directory)).as("nothing created and deleted in %s", directory)
                .isEqualTo(LONG_AGO);
    }
}
