package io.wsbridge.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.wsbridge.testing.Commands;
import io.wsbridge.testing.ExternalServer;
import io.wsbridge.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * No container engine runs here, so the image definition is checked in parts: its shape (multi-stage, from
 * the dist archive, non-root, health check, port) and its health check command, run against a real server.
 */
@Timeout(60)
class DockerfileTest {
    private static final Path DOCKERFILE = Path.of("packaging/docker/Dockerfile");

    @Test
    void multiStageFromTheDistArchiveRunningAsAnUnprivilegedUser() throws Exception {
        String text = Files.readString(DOCKERFILE);
        assertThat(Pattern.compile("(?m)^FROM ").matcher(text).results().count()).isEqualTo(2);
        assertThat(text).contains("COPY target/wsbridge-${VERSION}-linux-x64.tar.gz", "COPY --from=unpack",
                "\nUSER wsbridge\n", "\nEXPOSE 8080\n", "\nHEALTHCHECK ", "ENTRYPOINT [\"/usr/bin/tini\"");
        assertThat(text).as("the default version is this build's")
                .contains("ARG VERSION=" + io.wsbridge.cli.Version.number() + "\n");
        assertThat(Files.readString(Path.of("packaging/docker/Dockerfile.dockerignore")))
                .contains("!target/wsbridge-*-linux-x64.tar.gz");
    }

    @Test
    void theHealthCheckPassesWhileTheServerAnswersAndFailsWhenItDoesNot() throws Exception {
        Matcher m = Pattern.compile("CMD \\[\"bash\", \"-c\", \"(.*)\"\\]\\s*$", Pattern.MULTILINE)
                .matcher(Files.readString(DOCKERFILE));
        assertThat(m.find()).as("HEALTHCHECK CMD [\"bash\", \"-c\", ...]").isTrue();
        String check = m.group(1).replace("\\\\", "\\");
        try (TestServer server = TestServer.start("/bin/cat")) {
            Commands.Result up = Commands.run(List.of("bash", "-c", check),
                    Map.of("PATH", System.getenv("PATH"), "WSBRIDGE_PORT", Integer.toString(server.port())), null, 10);
            assertThat(up.code()).as("healthy: %s", up.stderr()).isZero();
        }
        Commands.Result down = Commands.run(List.of("bash", "-c", check),
                Map.of("PATH", System.getenv("PATH"), "WSBRIDGE_PORT", Integer.toString(ExternalServer.freePort())),
                null, 10);
        assertThat(down.code()).as("nothing listening").isNotZero();
    }
}
