package io.wsbridge.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.wsbridge.cli.Version;
import io.wsbridge.testing.Client;
import io.wsbridge.testing.Commands;
import io.wsbridge.testing.ExternalServer;
import io.wsbridge.testing.MappedLibraries;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Debian package (mvn -Pdeb package) on this machine: dpkg -i, wsbridge from PATH, its man page, its
 * systemd unit, a real WebSocket through the installed files, the class-data-sharing archive made by
 * postinst (and again by the Java trigger), then dpkg -r and dpkg -P leave nothing behind. Needs root and
 * dpkg, as CI has; skipped, saying so, otherwise or when the package was not built.
 */
@Timeout(600)
class DebPackageIT {
    private static final Path DEB = Path.of("target", "wsbridge_" + Version.number() + "_all.deb").toAbsolutePath();
    private static final Map<String, String> SYSTEM = Map.of(
            "PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "LANG", "C.UTF-8");
    /** Directories other packages own too: dpkg keeps them. */
    private static final List<String> SHARED = List.of("/.", "/usr", "/usr/bin", "/usr/share", "/usr/share/doc",
            "/usr/share/man", "/usr/share/man/man1", "/usr/share/bash-completion",
            "/usr/share/bash-completion/completions", "/usr/share/zsh", "/usr/share/zsh/vendor-completions",
            "/etc", "/lib", "/lib/systemd", "/lib/systemd/system");

    /** Held while this test has the package installed (see machineWide). */
    private static final Path MACHINE_LOCK = Path.of("/tmp/wsbridge-debpackageit.lock");

    @TempDir
    Path dir;

    private static Commands.Result sh(String script) throws Exception {
        return Commands.run(List.of("sh", "-c", script), SYSTEM, null, 180);
    }

    /**
     * A dpkg command; while another dpkg or apt holds dpkg's lock (a package being installed elsewhere on
     * the machine), it is tried again, for up to two minutes.
     */
    private static Commands.Result dpkg(String args) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (true) {
            Commands.Result r = sh("dpkg " + args);
            boolean locked = r.code() != 0 && r.stderr().contains("lock");
            if (!locked || System.nanoTime() > deadline) {
                return r;
            }
            Thread.sleep(500);
        }
    }

    private static void skip(String why) {
        String message = "SKIPPED DebPackageIT: " + why;
        System.out.println(message);
        Assumptions.abort(message);
    }

    @Test
    void installsRunsAndUninstallsCleanly() throws Exception {
        if (!Files.exists(DEB)) {
            skip(DEB + " not built (mvn -B -Pdeb -DskipTests package)");
        }
        if (!"root".equals(System.getProperty("user.name")) || !Commands.onPath("dpkg")) {
            skip("needs root and dpkg to install a package");
        }
        try (FileChannel lockFile = FileChannel.open(MACHINE_LOCK, StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
             FileLock ignored = machineWide(lockFile)) {
            installRunUninstall();
        }
    }

    /**
     * The package is installed into the one system: two test runs on one machine (two checkouts) must not
     * install and purge it under each other (one run's purge deleted the other's CDS archive mid-test). The
     * second waits, at most four minutes, for the first to finish with it.
     */
    private static FileLock machineWide(FileChannel lockFile) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
        while (true) {
            FileLock lock = lockFile.tryLock();
            if (lock != null) {
                return lock;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("another test run held " + MACHINE_LOCK + " for four minutes");
            }
            Thread.sleep(200);
        }
    }

    private void installRunUninstall() throws Exception {
        dpkg("-P wsbridge"); // what an interrupted earlier run may have left
        try {
            dpkg("-i '" + DEB + "'").assertOk("dpkg -i");
            List<String> installed = List.of(sh("dpkg -L wsbridge").assertOk("dpkg -L").stdout().split("\n"));
            assertThat(installed).contains("/usr/bin/wsbridge", "/usr/share/wsbridge/wsbridge.jar",
                    "/usr/share/man/man1/wsbridge.1.gz", "/lib/systemd/system/wsbridge@.service",
                    "/lib/systemd/system/wsbridge@.socket",
                    "/etc/wsbridge/example.toml", "/usr/share/bash-completion/completions/wsbridge",
                    "/usr/share/zsh/vendor-completions/_wsbridge", "/usr/share/doc/wsbridge/copyright",
                    "/usr/share/wsbridge/examples/greeter.sh",
                    "/usr/share/wsbridge/native/x86_64/" + MappedLibraries.JNA,
                    "/usr/share/wsbridge/native/x86_64/" + MappedLibraries.NETTY_EPOLL);
            // Debian policy 12.3: nothing may depend on /usr/share/doc (sites exclude it); example.toml runs one.
            assertThat(installed).noneMatch(p -> p.startsWith("/usr/share/doc/wsbridge/examples"));
            assertThat(Files.readString(Path.of("/etc/wsbridge/example.toml"))).doesNotContain("/usr/share/doc")
                    .contains("/usr/share/wsbridge/examples/greeter.sh");

            assertThat(sh("cd / && wsbridge --version").assertOk("wsbridge --version").stdout())
                    .startsWith("wsbridge " + Version.number() + " (Java ");
            classDataArchiveWasMadeForTheInstalledJava();
            runsQuietlyOnTheJavaOfThisTestRun();
            manPageRenders();
            unitIsValid();
            assertThat(sh("wsbridge --config=/etc/wsbridge/example.toml --printconfig").assertOk("example config")
                    .stdout()).as("the shipped example configuration is valid").contains("port = 8080");
            servesAnInstalledExample();

            dpkg("-r wsbridge").assertOk("dpkg -r");
            for (String path : installed) {
                if (!SHARED.contains(path) && !path.startsWith("/etc/wsbridge")) {
                    assertThat(Path.of(path)).as("removed: %s", path).doesNotExist();
                }
            }
            assertThat(Path.of("/usr/share/wsbridge")).as("with the archive postinst made").doesNotExist();
            assertThat(Path.of("/etc/wsbridge/example.toml")).as("configuration stays until purge").exists();

            dpkg("-P wsbridge").assertOk("dpkg -P");
            assertThat(Path.of("/etc/wsbridge")).doesNotExist();
            assertThat(sh("dpkg -s wsbridge").code()).as("no longer known to dpkg").isNotZero();
        } finally {
            dpkg("-P wsbridge");
        }
    }

    private static void classDataArchiveWasMadeForTheInstalledJava() throws Exception {
        Path archive = Path.of("/usr/share/wsbridge/wsbridge.jsa");
        assertThat(archive).as("made by postinst").exists();
        assertThat(sh("JAVA_OPTS=-Xshare:on wsbridge --version").code()).as("the archive fits the installed JVM")
                .isZero();
        // A Java runtime changing under /usr/lib/jvm triggers postinst, which makes the archive again.
        Files.delete(archive);
        sh("dpkg-trigger --no-await /usr/lib/jvm").assertOk("dpkg-trigger");
        dpkg("--triggers-only --pending").assertOk("dpkg --triggers-only");
        assertThat(archive).as("made again by the trigger").exists();
    }

    /**
     * /usr/bin/wsbridge with JAVA_HOME set to the Java running this test (17, or 25 in the CI's second run):
     * on 22+ the launcher allows native access, and the archive it makes for that Java fits it, so neither the
     * first start (which makes the archive) nor the second prints anything but the version.
     */
    private static void runsQuietlyOnTheJavaOfThisTestRun() throws Exception {
        for (String run : List.of("first", "second")) {
            Commands.Result r = sh("cd / && JAVA_HOME='" + System.getProperty("java.home") + "' wsbridge --version")
                    .assertOk("JAVA_HOME=... wsbridge --version");
            assertThat(r.stdout()).as(run).startsWith("wsbridge " + Version.number() + " (Java "
                    + Runtime.version().feature());
            assertThat(r.stdout().lines()).as(run + ": one line, no JVM messages").hasSize(1);
            assertThat(r.stderr()).as(run).isEmpty();
        }
    }

    private static void manPageRenders() throws Exception {
        Commands.Result man = sh("MANPAGER=cat MANWIDTH=100 man wsbridge");
        if (man.code() != 0 && !Commands.onPath("man")) {
            System.out.println("SKIPPED man wsbridge: man is not installed; checked with groff instead");
            man = sh("zcat /usr/share/man/man1/wsbridge.1.gz | groff -man -Tutf8");
        }
        man.assertOk("man wsbridge");
        assertThat(man.stdout()).contains("WSBRIDGE(1)", "--trustproxy", "EXIT STATUS");
    }

    private static void unitIsValid() throws Exception {
        if (!Commands.onPath("systemd-analyze")) {
            System.out.println("SKIPPED systemd-analyze verify: systemd-analyze is not installed");
            return;
        }
        Commands.Result verify = sh("systemd-analyze verify /lib/systemd/system/wsbridge@.service "
                + "/lib/systemd/system/wsbridge@.socket");
        assertThat(verify.stdout() + verify.stderr()).isEmpty();
        assertThat(verify.code()).isZero();
    }

    /** What the systemd instance wsbridge@example runs (its example.toml), on a free port. */
    private void servesAnInstalledExample() throws Exception {
        int port = ExternalServer.freePort();
        List<String> command = new ArrayList<>(List.of("/usr/bin/wsbridge", "--config=/etc/wsbridge/example.toml",
                "--port=" + port));
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
        pb.environment().clear();
        pb.environment().putAll(SYSTEM);
        Path log = dir.resolve("server.log");
        Process server = pb.redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            DistArchiveIT.awaitListening(log, server);
            try (Client client = Client.connect("ws://127.0.0.1:" + port + "/")) {
                client.send("deb");
                assertThat(client.nextText(10)).isEqualTo("Hello deb!");
            }
            // the native libraries the package ships, not extracted into temporary files
            assertThat(MappedLibraries.jna(server.pid()))
                    .contains("/usr/share/wsbridge/native/x86_64/" + MappedLibraries.JNA);
            assertThat(MappedLibraries.nettyEpoll(server.pid()))
                    .contains("/usr/share/wsbridge/native/x86_64/" + MappedLibraries.NETTY_EPOLL);
        } finally {
            server.destroy();
            assertThat(server.waitFor(20, TimeUnit.SECONDS)).isTrue();
        }
    }
}
