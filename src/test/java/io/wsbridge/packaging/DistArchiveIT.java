package io.wsbridge.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.wsbridge.cli.Version;
import io.wsbridge.testing.Client;
import io.wsbridge.testing.Commands;
import io.wsbridge.testing.ExternalServer;
import io.wsbridge.testing.MappedLibraries;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The self-contained archive (mvn -Pdist package), unpacked where no Java can be found: no java on PATH, no
 * JAVA_HOME. Skipped, saying so, when the archive was not built.
 */
@Timeout(180)
class DistArchiveIT {
    private static final String NAME = "wsbridge-" + Version.number();
    private static final Path ARCHIVE = Path.of("target", NAME + "-linux-x64.tar.gz").toAbsolutePath();
    /** The only programs on PATH: what the launcher and the example scripts call. */
    private static final List<String> TOOLS = List.of("sh", "dirname", "readlink", "mv", "rm", "cat");

    @TempDir
    static Path dir;
    static Path top;
    static Map<String, String> noJava;

    @BeforeAll
    static void unpack() throws Exception {
        if (!Files.exists(ARCHIVE)) {
            String message = "SKIPPED DistArchiveIT: " + ARCHIVE + " not built (mvn -B -Pdist -DskipTests package)";
            System.out.println(message);
            Assumptions.abort(message);
        }
        Commands.run(List.of("tar", "-xzf", ARCHIVE.toString(), "-C", dir.toString())).assertOk("tar");
        top = dir.resolve(NAME);
        Path tools = Files.createDirectories(dir.resolve("tools"));
        for (String tool : TOOLS) {
            String where = Commands.run(List.of("sh", "-c", "command -v " + tool)).assertOk(tool).stdout().trim();
            Files.createSymbolicLink(tools.resolve(tool), Path.of(where));
        }
        noJava = new HashMap<>();
        noJava.put("PATH", tools.toString());
        noJava.put("HOME", dir.toString());
        assertThat(Commands.run(List.of("sh", "-c", "command -v java"), noJava, dir, 10).code())
                .as("java is not on this PATH").isNotZero();
    }

    @Test
    void holdsTheLauncherTheJarATrimmedRuntimeAndTheDocs() throws Exception {
        assertThat(top.resolve("bin/wsbridge")).isExecutable();
        assertThat(top.resolve("lib/wsbridge.jar")).exists();
        assertThat(top.resolve("lib/wsbridge.classlist")).exists();
        assertThat(top.resolve("lib/native/x86_64/" + MappedLibraries.JNA)).isRegularFile();
        assertThat(top.resolve("lib/native/x86_64/" + MappedLibraries.NETTY_EPOLL)).isRegularFile();
        assertThat(top.resolve("share/man/man1/wsbridge.1")).exists();
        assertThat(top.resolve("share/bash-completion/completions/wsbridge")).exists();
        assertThat(top.resolve("share/zsh/site-functions/_wsbridge")).exists();
        assertThat(top.resolve("examples/greeter.sh")).isExecutable();
        String modules = Commands.run(List.of(top.resolve("runtime/bin/java").toString(), "--list-modules"),
                noJava, dir, 30).assertOk("java --list-modules").stdout();
        assertThat(modules).contains("java.base@", "jdk.unsupported@", "jdk.crypto.ec@").doesNotContain("java.desktop",
                "jdk.compiler", "java.sql");
        System.out.printf("dist archive %s: %d KiB%n", ARCHIVE.getFileName(), Files.size(ARCHIVE) / 1024);
    }

    @Test
    void runsWithoutAnyJavaAndMakesItsClassDataArchiveOnTheFirstRun() throws Exception {
        String launcher = top.resolve("bin/wsbridge").toString();
        Commands.Result first = Commands.run(List.of(launcher, "--version"), noJava, dir, 60).assertOk("--version");
        assertThat(first.stdout()).startsWith("wsbridge " + Version.number() + " (Java " + Runtime.version().feature());
        assertThat(first.stderr()).isEmpty();
        if (Files.exists(top.resolve("lib/wsbridge.aot"))) {
            // Java 25+: the AOT cache shipped with it takes the archive's place (aJava25RuntimeStartsFromItsAotCache)
            assertThat(top.resolve("lib/wsbridge.jsa")).as("no class data archive beside the AOT cache").doesNotExist();
            return;
        }
        assertThat(top.resolve("lib/wsbridge.jsa")).exists();
        // keyed to the jar, the java that made it and its module flags (an archive only fits that JVM)
        assertThat(Files.readString(top.resolve("lib/wsbridge.jsa.for")).trim())
                .isEqualTo(top.resolve("lib/wsbridge.jar").toRealPath() + " "
                        + top.resolve("runtime/bin/java").toRealPath()
                        + (Runtime.version().feature() >= 22 ? " --enable-native-access=ALL-UNNAMED" : "")
                        + " --add-opens=java.base/java.nio=ALL-UNNAMED");
        // -Xshare:on fails instead of falling back: the archive fits this runtime and this place.
        Map<String, String> strict = new HashMap<>(noJava);
        strict.put("JAVA_OPTS", "-Xshare:on");
        Commands.Result second = Commands.run(List.of(launcher, "--version"), strict, dir, 60);
        assertThat(second.code()).as("stderr: %s", second.stderr()).isZero();
        assertThat(second.stdout()).isEqualTo(first.stdout());
    }

    @Test
    void servesARealWebSocket() throws Exception {
        int port = ExternalServer.freePort();
        ProcessBuilder pb = new ProcessBuilder(top.resolve("bin/wsbridge").toString(), "--address=127.0.0.1",
                "--port=" + port, top.resolve("examples/greeter.sh").toString());
        pb.environment().clear();
        pb.environment().putAll(noJava);
        Path log = dir.resolve("server.log");
        Process server = pb.redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            awaitListening(log, server);
            try (Client client = Client.connect("ws://127.0.0.1:" + port + "/")) {
                client.send("dist");
                assertThat(client.nextText(10)).isEqualTo("Hello dist!");
            }
            // the native libraries shipped beside the jar, not extracted into temporary files
            Path natives = top.resolve("lib/native/x86_64").toRealPath();
            assertThat(MappedLibraries.jna(server.pid())).contains(natives.resolve(MappedLibraries.JNA).toString());
            assertThat(MappedLibraries.nettyEpoll(server.pid()))
                    .contains(natives.resolve(MappedLibraries.NETTY_EPOLL).toString());
        } finally {
            server.destroy();
            assertThat(server.waitFor(20, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(server.exitValue()).isZero();
    }

    /**
     * A runtime of Java 25 or later comes with an AOT cache from the build's training run, and the launcher starts
     * from it: with -XX:AOTMode=on a cache that cannot be used is an error, and the classes of a real session
     * (the server's, Netty's, the session's) are loaded from it. A Java 17 runtime has none (nothing to use it).
     */
    @Test
    void aJava25RuntimeStartsFromItsAotCache() throws Exception {
        Path aot = top.resolve("lib/wsbridge.aot");
        int feature = Integer.parseInt(Files.readAllLines(top.resolve("runtime/release")).stream()
                .filter(l -> l.startsWith("JAVA_VERSION=")).findFirst().orElseThrow()
                .replaceAll("JAVA_VERSION=\"(\\d+).*", "$1"));
        if (feature < 25) {
            assertThat(aot).as("Java %d has no AOT cache", feature).doesNotExist();
            return;
        }
        assertThat(aot).exists();
        int port = ExternalServer.freePort();
        ProcessBuilder pb = new ProcessBuilder(top.resolve("bin/wsbridge").toString(), "--address=127.0.0.1",
                "--port=" + port, top.resolve("examples/greeter.sh").toString());
        pb.environment().clear();
        pb.environment().putAll(noJava);
        pb.environment().put("JAVA_OPTS", "-XX:AOTMode=on -Xlog:class+load=info:file=" + dir.resolve("classes.log"));
        Path log = dir.resolve("aot-server.log");
        Process server = pb.redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            awaitListening(log, server);
            try (Client client = Client.connect("ws://127.0.0.1:" + port + "/")) {
                client.send("aot");
                assertThat(client.nextText(10)).isEqualTo("Hello aot!");
            }
        } finally {
            server.destroy();
            assertThat(server.waitFor(20, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(server.exitValue()).as(Files.readString(log)).isZero();
        String classes = Files.readString(dir.resolve("classes.log"));
        for (String name : List.of("io.wsbridge.Main", "io.wsbridge.server.WsbridgeServer",
                "io.netty.channel.epoll.EpollIoHandler", "io.wsbridge.websocket.SessionBridge")) {
            assertThat(classes).as(name).contains(name + " source: shared objects file");
        }
    }

    static void awaitListening(Path log, Process server) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!(Files.exists(log) && Files.readString(log).contains("Starting WebSocket server"))) {
            if (!server.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("server did not start: " + (Files.exists(log) ? Files.readString(log) : ""));
            }
            Thread.sleep(20);
        }
    }
}
