package io.wsbridge.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.wsbridge.testing.Client;
import io.wsbridge.testing.RawWebSocket;
import io.wsbridge.testing.TestServer;
import java.io.FileInputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A child inherits exactly stdin, stdout and stderr: none of the server's sockets, pipes or files, nor a file the
 * JVM opened without close-on-exec after the server started (the server runs in this JVM).
 */
@Timeout(60)
class ChildDescriptorsTest {
    @Test
    void childSeesOnlyItsThreeStandardDescriptors() throws Exception {
        try (TestServer server = TestServer.start("/bin/ls", "/proc/self/fd")) {
            // other connections (and their pipes) are open while the child starts
            List<RawWebSocket> others = new ArrayList<>();
            try (TestServer catServer = TestServer.start("cat");
                 // opened without close-on-exec (as the JDK opens files) after the server started
                 FileInputStream inheritable = new FileInputStream("/proc/self/status")) {
                for (int i = 0; i < 5; i++) {
                    others.add(RawWebSocket.connect(catServer.port(), "/"));
                }
                try (Client client = Client.connect(server.url("/"))) {
                    List<String> fds = new ArrayList<>();
                    while (true) {
                        Client.Event e = client.next(10);
                        if (e instanceof Client.Closed) {
                            break;
                        }
                        fds.add(((Client.Text) e).text());
                    }
                    // ls itself opens the directory it lists as descriptor 3
                    assertThat(fds).containsExactly("0", "1", "2", "3");
                }
                for (RawWebSocket o : others) {
                    o.close();
                }
            }
        }
    }
}
