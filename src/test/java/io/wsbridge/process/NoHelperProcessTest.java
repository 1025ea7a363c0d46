package io.wsbridge.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.wsbridge.testing.Client;
import io.wsbridge.testing.ExternalServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Start-up runs no helper program: at its first use JNA would fill its library search path by running
 * `/sbin/ldconfig -p` through java.lang.Process (a fork and exec at every start) unless that path is set, as
 * Main does. The session's own program is started by posix_spawn, so java.lang.Process is never used: the JDK
 * starts its "process reaper" thread with the first Process, and the server has none. (Whether ProcessImpl is
 * loaded says nothing: Java 25 loads it while booting.)
 */
@Timeout(60)
class NoHelperProcessTest {
    @Test
    void aStartAndASessionStartNoJavaProcess() throws Exception {
        try (ExternalServer server = ExternalServer.start(List.of(), "cat")) {
            try (Client client = Client.connect(server.url("/"))) {
                client.send("x");
                assertThat(client.nextText(10)).isEqualTo("x");
            }
            String threads = threadDump(server.pid());
            assertThat(threads).contains("\"main\"").doesNotContain("\"process reaper\"");
        }
    }

    private static String threadDump(long pid) throws Exception {
        Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(pid), "Thread.print").redirectErrorStream(true).start();
        String out = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(jcmd.waitFor(30, TimeUnit.SECONDS)).as("jcmd ends").isTrue();
        assertThat(jcmd.exitValue()).as(out).isZero();
        return out;
    }
}
