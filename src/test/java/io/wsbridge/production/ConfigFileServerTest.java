package io.wsbridge.production;

import static org.assertj.core.api.Assertions.assertThat;

import io.wsbridge.testing.Client;
import io.wsbridge.testing.ExternalServer;
import io.wsbridge.testing.Scripts;
import java.net.ServerSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real server, configured by a TOML file (arguments with spaces, no shell splitting), and refusing bad ones. */
class ConfigFileServerTest {
    @TempDir
    Path dir;

    @Test
    void servesWhatTheFileSaysWithArgumentsThatHoldSpaces() throws Exception {
        Path script = Scripts.sh(dir, "args.sh", "while read line; do echo \"$1|$2|$line\"; done");
        Path config = dir.resolve("chat.toml");
        Files.writeString(config, "# chat\nheader = [\"X-From: file\"]\ncommand = [\"" + script
                + "\", \"first arg\", \"second \\\"quoted\\\"\"]\n");
        try (ExternalServer server = ExternalServer.start(List.of(), "--config=" + config);
             Client client = Client.connect(server.url("/"))) {
            client.send("hi");
            assertThat(client.nextText(10)).isEqualTo("first arg|second \"quoted\"|hi");
        }
    }

    @Test
    void aBadFileExitsOneNamingTheLineBeforeAnythingIsBound() throws Exception {
        int port = ExternalServer.freePort();
        Path config = dir.resolve("bad.toml");
        Files.writeString(config, "address = [\"127.0.0.1\"]\nport = " + port + "\ncommand = \"cat\"\nbinray = true\n");
        ExternalServer server = ExternalServer.launch(List.of(), List.of("--config=" + config));
        assertThat(server.awaitExit(20)).isEqualTo(1);
        assertThat(server.output()).contains(config + ":4: unknown option 'binray'");
        assertThat(String.join("\n", server.output())).doesNotContain("Starting WebSocket server");
        try (ServerSocket free = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            assertThat(free.getLocalPort()).as("the port was never taken").isEqualTo(port);
        }
    }
}
