package io.wsbridge.process.epoll;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.wsbridge.process.LaunchException;
import io.wsbridge.process.LaunchSpec;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Spawning a child changes nothing in the descriptor table the whole JVM shares: the child closes what it
 * must not inherit itself. Marking every descriptor close-on-exec instead (as spawns once did) took the pipes
 * away from a java.lang.ProcessBuilder starting in another thread at that moment: its helper then failed with
 * "error=9, Bad file descriptor" (seen launching Chromium in the test JVM while an in-process server spawned).
 */
@Timeout(60)
class SpawnLeavesDescriptorsAloneTest {
    private static final LaunchSpec TRUE = new LaunchSpec(Path.of("/bin/true"), List.of("true"), List.of());

    @BeforeAll
    static void nativeBinding() {
        assumeTrue(Posix.AVAILABLE, "native posix_spawn binding");
    }

    @Test
    void aSpawnLeavesTheCloseOnExecFlagOfOtherDescriptorsAsItWas() throws Exception {
        int[] inheritable = new int[2];
        Posix.pipe2(inheritable, 0);
        try {
            reap(PosixSpawner.spawn(TRUE));
            assertThat(Posix.fcntl(inheritable[0], Posix.F_GETFD, 0) & Posix.FD_CLOEXEC).as("read end").isZero();
            assertThat(Posix.fcntl(inheritable[1], Posix.F_GETFD, 0) & Posix.FD_CLOEXEC).as("write end").isZero();
        } finally {
            PosixSpawner.closeQuietly(inheritable[0]);
            PosixSpawner.closeQuietly(inheritable[1]);
        }
    }

    @Test
    void theChildStillGetsOnlyItsThreeDescriptorsWhileOursStayInheritable() throws Exception {
        assumeTrue(Posix.HAS_CLOSEFROM, "glibc 2.34+ (posix_spawn_file_actions_addclosefrom_np)");
        int[] inheritable = new int[2];
        Posix.pipe2(inheritable, 0);
        try {
            PosixSpawner.Spawned ls = PosixSpawner.spawn(
                    new LaunchSpec(Path.of("/bin/ls"), List.of("ls", "/proc/self/fd"), List.of()));
            String out;
            // the parent's end of its stdout, read blocking until ls exits (it is quick; the test has a deadline)
            try (FileInputStream stdout = new FileInputStream("/proc/self/fd/" + ls.stdout())) {
                reap(ls);
                java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
                byte[] buf = new byte[4096];
                for (int n; (n = stdout.read(buf)) > 0; ) { // readAllBytes would seek, which a pipe cannot
                    bytes.write(buf, 0, n);
                }
                out = bytes.toString(StandardCharsets.US_ASCII);
            }
            // ls itself opens the directory it lists as descriptor 3
            assertThat(out.lines()).containsExactly("0", "1", "2", "3");
        } finally {
            PosixSpawner.closeQuietly(inheritable[0]);
            PosixSpawner.closeQuietly(inheritable[1]);
        }
    }

    @Test
    void aProcessBuilderInAnotherThreadStartsWhileWeSpawn() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> spawnerFailure = new AtomicReference<>();
        Thread spawner = new Thread(() -> {
            try {
                while (!stop.get()) {
                    reap(PosixSpawner.spawn(TRUE));
                }
            } catch (Throwable t) {
                spawnerFailure.set(t);
            }
        }, "spawn-loop");
        spawner.start();
        List<String> failures = new ArrayList<>();
        int started = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        try {
            for (; started < 300 && System.nanoTime() < deadline; started++) {
                try {
                    Process p = new ProcessBuilder("/bin/true").start();
                    assertThat(p.waitFor(10, TimeUnit.SECONDS)).as("/bin/true exited").isTrue();
                } catch (IOException e) {
                    failures.add(e.getMessage());
                }
            }
        } finally {
            stop.set(true);
            spawner.join(TimeUnit.SECONDS.toMillis(10));
        }
        assertThat(spawnerFailure.get()).isNull();
        assertThat(started).as("ProcessBuilder starts in 20 s").isGreaterThanOrEqualTo(20);
        assertThat(failures).as("of %d ProcessBuilder starts", started).isEmpty();
    }

    @Test
    void aSpawnThatFailsLeavesNoPipeEndOpen() throws Exception {
        List<String> before = pipesOpen();
        LaunchSpec missing = new LaunchSpec(Path.of("/nonexistent/program"), List.of("program"), List.of());
        assertThatThrownBy(() -> PosixSpawner.spawn(missing)).isInstanceOf(LaunchException.class)
                .hasMessageContaining("No such file");
        // failing on the way, after the pipes were made (no program path at all)
        LaunchSpec broken = new LaunchSpec(null, List.of("program"), List.of());
        assertThatThrownBy(() -> PosixSpawner.spawn(broken)).isInstanceOf(NullPointerException.class);
        assertThat(pipesOpen()).as("pipes open in this JVM").isSubsetOf(before);
    }

    /** The pipes this JVM holds, by inode ("pipe:[123]"), one entry per descriptor. */
    private static List<String> pipesOpen() throws IOException {
        List<String> pipes = new ArrayList<>();
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("pipe:")) {
                        pipes.add(target);
                    }
                } catch (IOException closedMeanwhile) {
                    // the listing's own descriptor
                }
            }
        }
        return pipes;
    }

    private static void reap(PosixSpawner.Spawned s) throws LaunchException {
        PosixSpawner.closeQuietly(s.stdin());
        PosixSpawner.closeQuietly(s.stdout());
        PosixSpawner.closeQuietly(s.stderr());
        Posix.waitpid(s.pid(), new int[1], 0);
    }
}
