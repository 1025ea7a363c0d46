package io.wsbridge.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.wsbridge.testing.Commands;
import io.wsbridge.testing.ExternalServer;
import io.wsbridge.testing.RawWebSocket;
import io.wsbridge.testing.Scripts;
import io.wsbridge.testing.TestServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * --authurl against a real nginx playing the auth service the way auth_request endpoints answer (200 with the
 * user in a header, 401 with a challenge, 403): wsbridge's HTTP client talking to a production HTTP server.
 * Skipped, saying so, when nginx is not installed (.ci/run installs it).
 */
@Timeout(60)
class NginxForwardAuthTest {
    @TempDir
    Path dir;
    private Process nginx;

    @AfterEach
    void stop() throws Exception {
        if (nginx != null) {
            nginx.destroy();
            if (!nginx.waitFor(10, TimeUnit.SECONDS)) {
                nginx.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void nginxDecidesAndNamesTheUser() throws Exception {
        String binary = null;
        for (String candidate : List.of("/usr/sbin/nginx", "/usr/bin/nginx")) {
            if (Files.isExecutable(Path.of(candidate))) {
                binary = candidate;
            }
        }
        if (binary == null && Commands.onPath("nginx")) {
            binary = "nginx";
        }
        if (binary == null) {
            String message = "SKIPPED NginxForwardAuthTest: nginx is not installed (apt-get install nginx)";
            System.out.println(message);
            Assumptions.abort(message);
        }
        int port = startNginx(binary);
        Path who = Scripts.sh(dir, "who.sh", "echo \"$AUTH_TYPE $REMOTE_USER\"");
        try (TestServer server = TestServer.start("--authurl=http://127.0.0.1:" + port + "/auth", who.toString())) {
            try (RawWebSocket ws = RawWebSocket.connect(server.port(), "/", Map.of("Cookie", "session=good"), 0)) {
                assertThat(ws.readMessage(Duration.ofSeconds(10)).text()).isEqualTo("Forward nginx-user");
            }
            RawWebSocket.HttpReply anonymous = RawWebSocket.tryUpgrade(server.port(), "/", Map.of());
            assertThat(anonymous.status()).isEqualTo(401);
            assertThat(anonymous.header("WWW-Authenticate")).isEqualTo("Basic realm=\"sso\"");
            assertThat(RawWebSocket.tryUpgrade(server.port(), "/", Map.of("Cookie", "session=banned")).status())
                    .isEqualTo(403);
            assertThat(server.liveChildren()).isZero();
        }
        String log = Files.readString(dir.resolve("nginx/access.log"));
        assertThat(log).as("nginx was asked, with the original URI").contains("GET /auth").contains("uri=/");
    }

    private int startNginx(String binary) throws Exception {
        Path root = Files.createDirectories(dir.resolve("nginx"));
        Files.createDirectories(root.resolve("tmp"));
        for (int attempt = 0; attempt < 5; attempt++) {
            int port = ExternalServer.freePort();
            Files.writeString(root.resolve("nginx.conf"), """
                    daemon off;
                    worker_processes 1;
                    pid %1$s/nginx.pid;
                    error_log %1$s/error.log info;
                    events { worker_connections 64; }
                    http {
                      log_format auth '$request uri=$http_x_original_uri';
                      access_log %1$s/access.log auth;
                      client_body_temp_path %1$s/tmp/body;
                      proxy_temp_path %1$s/tmp/proxy;
                      fastcgi_temp_path %1$s/tmp/fastcgi;
                      uwsgi_temp_path %1$s/tmp/uwsgi;
                      scgi_temp_path %1$s/tmp/scgi;
                      server {
                        listen 127.0.0.1:%2$d;
                        location = /auth {
                          if ($http_cookie ~ "session=good") {
                            add_header X-Auth-User nginx-user;
                            return 204;
                          }
                          if ($http_cookie ~ "session=banned") {
                            return 403;
                          }
                          add_header WWW-Authenticate 'Basic realm="sso"' always;
                          return 401;
                        }
                      }
                    }
                    """.formatted(root, port));
            nginx = new ProcessBuilder(binary, "-p", root.toString(), "-c", root.resolve("nginx.conf").toString(),
                    "-e", root.resolve("error.log").toString())
                    .redirectErrorStream(true).redirectOutput(root.resolve("stdout.log").toFile()).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline && nginx.isAlive()) {
                if (accepts(port)) {
                    return port;
                }
                Thread.sleep(10);
            }
            nginx.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            String log = Files.readString(root.resolve("error.log"));
            if (!log.contains("Address already in use")) {
                throw new AssertionError("nginx did not start: " + log + Files.readString(root.resolve("stdout.log")));
            }
        }
        throw new AssertionError("nginx found no free port in 5 attempts");
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
