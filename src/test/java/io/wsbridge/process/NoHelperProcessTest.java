package io.wsbridge.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.wsbridge.testing.Client;
import io.wsbridge.testing.ExternalServer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Start-up runs no helper program: at its first use JNA would fill its library search path by running
 * `/sbin/ldconfig -p` (a fork and exec at every start, through java.lang.Process) unless that path is set, as
 * Main does. The session's own program is started by posix_spawn, not by java.lang.Process, so no Process class
 * is loaded at all.
 */
@Timeout(60)
class NoHelperProcessTest {
    @Test
    void aStartAndASessionLoadNoJavaProcessClass() throws Exception {
        try (ExternalServer server = ExternalServer.start(List.of("-Xlog:class+load=info"), "cat")) {
            try (Client client = Client.connect(server.url("/"))) {
                client.send("x");
                assertThat(client.nextText(10)).isEqualTo("x");
            }
            assertThat(server.output()).anyMatch(l -> l.contains("com.sun.jna.NativeLibrary "))
                    .noneMatch(l -> l.contains("java.lang.ProcessImpl ") || l.contains("java.lang.ProcessBuilder "));
        }
    }
}
