package io.wsbridge.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wsbridge.process.LineBuffering;
import io.wsbridge.testing.Client;
import io.wsbridge.testing.Scripts;
import io.wsbridge.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** --linebuffered: programs that buffer a pipe in blocks answer line by line, without being changed. */
@Timeout(60)
class LineBufferedTest {
    @TempDir
    Path dir;

    /** Plain print(), no flush, no -u: block-buffered on a pipe. It waits for each question before answering. */
    private Path bufferingPython() {
        return Scripts.python(dir, "ask.py", """
                import sys
                print('ready')
                for line in sys.stdin:
                    print('got ' + line.strip())
                """);
    }

    @Test
    void aPythonScriptWithoutDashUAnswersAtOnce() throws Exception {
        try (TestServer server = TestServer.start("--linebuffered", bufferingPython().toString());
             Client client = Client.connect(server.url("/"))) {
            assertThat(client.nextText(10)).isEqualTo("ready");
            client.send("one");
            assertThat(client.nextText(10)).isEqualTo("got one");
            client.send("two");
            assertThat(client.nextText(10)).isEqualTo("got two");
        }
    }

    @Test
    void withoutTheFlagTheSameScriptSaysNothingUntilItEnds() throws Exception {
        // The control: this is the problem the flag solves (a second without output is plenty for a print).
        try (TestServer server = TestServer.start(bufferingPython().toString());
             Client client = Client.connect(server.url("/"))) {
            assertThatThrownBy(() -> client.next(1)).hasMessageContaining("nothing received");
        }
    }

    @Test
    void aCStdioProgramAnswersAtOnceThroughLibstdbuf() throws Exception {
        Assumptions.assumeTrue(LineBuffering.forSystem(List.of(), java.util.Map.of()).stdbuf() != null,
                "coreutils' libstdbuf.so is not installed");
        // sed block-buffers its output to a pipe unless told -u; it gets no such flag here.
        try (TestServer server = TestServer.start("--linebuffered", "sed", "-e", "s/^/sed: /");
             Client client = Client.connect(server.url("/"))) {
            client.send("a");
            assertThat(client.nextText(10)).isEqualTo("sed: a");
            client.send("b");
            assertThat(client.nextText(10)).isEqualTo("sed: b");
        }
    }

    @Test
    void theEnvironmentItSets() throws Exception {
        Path lib = Files.createFile(dir.resolve("libstdbuf.so"));
        Path missing = dir.resolve("missing.so");
        assertThat(LineBuffering.setup(List.of(missing), null).variables()).containsExactly("PYTHONUNBUFFERED=1");
        assertThat(LineBuffering.setup(List.of(missing), null).stdbuf()).isNull();
        assertThat(LineBuffering.setup(List.of(missing, lib), null).variables())
                .containsExactly("PYTHONUNBUFFERED=1", "LD_PRELOAD=" + lib, "_STDBUF_O=L");
        assertThat(LineBuffering.setup(List.of(lib), " /opt/mine.so ").variables())
                .contains("LD_PRELOAD=" + lib + ":/opt/mine.so");
    }

    @Test
    void thePassedLdPreloadIsKeptAndNotDuplicated() throws Exception {
        Path lib = LineBuffering.forSystem(List.of(), java.util.Map.of()).stdbuf();
        Assumptions.assumeTrue(lib != null, "coreutils' libstdbuf.so is not installed");
        Path show = Scripts.sh(dir, "show.sh", "env | grep -E '^(LD_PRELOAD|_STDBUF_O|PYTHONUNBUFFERED)=' | sort");
        java.util.Map<String, String> env = new java.util.HashMap<>(System.getenv());
        env.put("LD_PRELOAD", lib.toString()); // a library that exists, so the loader says nothing
        try (TestServer server = TestServer.start(env, "--linebuffered", "--passenv=PATH,LD_PRELOAD",
                show.toString());
             Client client = Client.connect(server.url("/"))) {
            assertThat(client.nextText(10)).isEqualTo("LD_PRELOAD=" + lib + ":" + lib);
            assertThat(client.nextText(10)).isEqualTo("PYTHONUNBUFFERED=1");
            assertThat(client.nextText(10)).isEqualTo("_STDBUF_O=L");
            assertThat(client.awaitClose(10).code()).isEqualTo(1000);
        }
    }
}
