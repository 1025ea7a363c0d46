package io.wsbridge.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.wsbridge.testing.RawWebSocket;
import io.wsbridge.testing.TestServer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The child's environment is exactly websocketd's CGI set, plus HTTP_HOST, and nothing of ours. */
@Timeout(60)
class EnvironmentTest {
    private static Map<String, String> childEnvironment(TestServer server, String path, Map<String, String> headers)
            throws Exception {
        Map<String, String> env = new TreeMap<>();
        try (RawWebSocket ws = RawWebSocket.connect(server.port(), path, headers, 0)) {
            while (true) {
                RawWebSocket.Frame f = ws.readMessage(Duration.ofSeconds(10));
                if (f == null || f.opcode() == RawWebSocket.CLOSE) {
                    return env;
                }
                String line = f.text();
                int eq = line.indexOf('=');
                env.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
    }

    @Test
    void exactlyTheCgiVariablesAndThePassedOnes() throws Exception {
        Map<String, String> ours = new LinkedHashMap<>();
        ours.put("PATH", System.getenv("PATH"));
        ours.put("HOME", "/root");
        ours.put("USER", "root");
        ours.put("AWS_SECRET_ACCESS_KEY", "do-not-leak");
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Origin", "http://example.com");
        headers.put("X-Custom", "a\r\nX-Custom: b"); // the same header twice
        headers.put("Cookie", "k=v");
        try (TestServer server = TestServer.start(ours, "/usr/bin/env")) {
            Map<String, String> env = childEnvironment(server, "/some/path?x=1&y=%20z", headers);
            assertThat(env.keySet()).containsExactlyInAnyOrder(
                    "SERVER_SOFTWARE", "PATH",
                    "REMOTE_ADDR", "REMOTE_HOST", "REMOTE_PORT", "SERVER_NAME", "SERVER_PORT", "SERVER_PROTOCOL",
                    "GATEWAY_INTERFACE", "REQUEST_METHOD", "SCRIPT_NAME", "PATH_INFO", "PATH_TRANSLATED",
                    "QUERY_STRING", "REQUEST_URI", "AUTH_TYPE", "CONTENT_LENGTH", "CONTENT_TYPE", "REMOTE_IDENT",
                    "REMOTE_USER", "UNIQUE_ID",
                    "HTTP_HOST", "HTTP_UPGRADE", "HTTP_CONNECTION", "HTTP_SEC_WEBSOCKET_KEY",
                    "HTTP_SEC_WEBSOCKET_VERSION", "HTTP_ORIGIN", "HTTP_X_CUSTOM", "HTTP_COOKIE");
            assertThat(env).containsEntry("SERVER_SOFTWARE", "wsbridge/" + io.wsbridge.cli.Version.number())
                    .containsEntry("PATH", System.getenv("PATH"))
                    .containsEntry("REMOTE_ADDR", "127.0.0.1")
                    .containsEntry("REMOTE_HOST", "127.0.0.1")
                    .containsEntry("SERVER_NAME", "127.0.0.1")
                    .containsEntry("SERVER_PORT", Integer.toString(server.port()))
                    .containsEntry("SERVER_PROTOCOL", "HTTP/1.1")
                    .containsEntry("GATEWAY_INTERFACE", "CGI/1.1")
                    .containsEntry("REQUEST_METHOD", "GET")
                    .containsEntry("SCRIPT_NAME", "/")
                    .containsEntry("PATH_INFO", "/some/path")
                    .containsEntry("PATH_TRANSLATED", "/some/path")
                    .containsEntry("QUERY_STRING", "x=1&y=%20z")
                    .containsEntry("REQUEST_URI", "/some/path?x=1&y=%20z")
                    .containsEntry("AUTH_TYPE", "")
                    .containsEntry("HTTP_HOST", "127.0.0.1:" + server.port())
                    .containsEntry("HTTP_ORIGIN", "http://example.com")
                    .containsEntry("HTTP_X_CUSTOM", "a, b")
                    .containsEntry("HTTP_COOKIE", "k=v");
            assertThat(env.get("UNIQUE_ID")).matches("[0-9]+");
            assertThat(Integer.parseInt(env.get("REMOTE_PORT"))).isPositive();
        }
    }

    @Test
    void passenvReplacesTheDefaultList() throws Exception {
        Map<String, String> ours = new LinkedHashMap<>();
        ours.put("PATH", System.getenv("PATH"));
        ours.put("LD_LIBRARY_PATH", "/opt/lib");
        ours.put("GREETING", " hello\nworld ");
        ours.put("SECRET", "x");
        try (TestServer server = TestServer.start(ours, "--passenv=GREETING,UNSET_ONE", "/usr/bin/env")) {
            Map<String, String> env = childEnvironment(server, "/", Map.of());
            assertThat(env).containsEntry("GREETING", "hello world")
                    .doesNotContainKeys("PATH", "LD_LIBRARY_PATH", "SECRET", "UNSET_ONE", "HTTPS");
        }
        try (TestServer server = TestServer.start(ours, "/usr/bin/env")) {
            Map<String, String> env = childEnvironment(server, "/", Map.of());
            assertThat(env).containsEntry("LD_LIBRARY_PATH", "/opt/lib").doesNotContainKeys("GREETING", "SECRET");
        }
    }
}
