package io.wsbridge.abuse;

import static org.assertj.core.api.Assertions.assertThat;

import io.wsbridge.testing.Descriptors;
import io.wsbridge.testing.ExternalServer;
import io.wsbridge.testing.Waits;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 13 point 3, a spawn that fails inside the process layer: the packaged server's open-files limit is
 * lowered (prlimit on the running process) right after it accepted a connection, so creating the program's pipes
 * fails with EMFILE. The client gets a 503 naming the reason before any 101, the pipe ends already made are
 * closed, and the server serves again once descriptors are back. (The packaged jar: from a class directory, the
 * JVM itself would need descriptors to load the classes of the refusal.)
 */
@Timeout(60)
class SpawnFailureIT {
    private static final Path JAR = Path.of("target/wsbridge.jar").toAbsolutePath();

    @Test
    void aSpawnThatFailsInTheProcessLayerGets503AndLeavesNoDescriptorBehind() throws Exception {
        Assumptions.assumeTrue(Descriptors.prlimitInstalled(), "SKIPPED: prlimit (util-linux) not installed");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // Without the start-up rehearsal: its synthetic sessions open socket pairs and pipes while the server is idle,
        // and this test counts descriptors to the last one.
        try (ExternalServer server = ExternalServer.startCommand(
                List.of("env", "WSBRIDGE_WARMUP=0", java, "-jar", JAR.toString()), "cat")) {
            long pid = server.pid();
            StartFailureTest.echoes(server.port(), "/"); // what is opened lazily (event loops, spawners) is open now
            // The child is reaped a moment before its pipes are closed (same loop task): wait for both, or the
            // base count would hold the warm-up's pipes (seen once in four runs: "back to 18 (now 16)").
            Waits.until(Duration.ofSeconds(10), () -> ProcessHandle.of(pid).orElseThrow().children().count() == 0
                    && Descriptors.described(pid).entrySet().stream()
                            .noneMatch(e -> e.getKey() > 2 && e.getValue().startsWith("pipe:")),
                    () -> "warm-up child reaped and its pipes closed: " + Descriptors.described(pid));
            int baseFds = Descriptors.open(pid).size();
            Map<Integer, String> before = Descriptors.described(pid);
            String soft = Descriptors.softLimit(pid);
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
                Waits.until(Duration.ofSeconds(10), () -> Descriptors.described(pid).entrySet().stream()
                        .anyMatch(e -> e.getValue().startsWith("socket:") && !before.containsValue(e.getValue())),
                        () -> "connection accepted: " + before + " -> " + Descriptors.described(pid));
                // No descriptor below the limit is free: the next one the server asks for fails with EMFILE.
                Descriptors.setSoftLimit(pid, Integer.toString(Descriptors.firstFree(pid)));
                String answer;
                try {
                    answer = StartFailureTest.answer(s, server.port(), "/", new byte[0]);
                } finally {
                    Descriptors.setSoftLimit(pid, soft);
                }
                StartFailureTest.assertRefused(answer, "cannot create pipe: Too many open files");
            }
            assertThat(server.output()).anyMatch(l -> l.contains("Could not launch process")
                    && l.contains("Too many open files"));
            assertThat(ProcessHandle.of(pid).orElseThrow().children().count()).isZero();
            Waits.until(Duration.ofSeconds(10), () -> Descriptors.open(pid).size() == baseFds,
                    () -> "server descriptors back to " + baseFds + " (now " + Descriptors.open(pid) + ")");
            StartFailureTest.echoes(server.port(), "/");
        }
    }
}
