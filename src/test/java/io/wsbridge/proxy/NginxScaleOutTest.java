package io.wsbridge.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.wsbridge.testing.Commands;
import io.wsbridge.testing.ExternalServer;
import io.wsbridge.testing.RawWebSocket;
import io.wsbridge.testing.Scripts;
import io.wsbridge.testing.Waits;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deployment users grow into: three wsbridge processes behind a real nginx (Debian's package, run in the
 * foreground with a config of its own on a loopback port) proxying WebSockets round-robin. Shows that the
 * connections spread over the instances, that the client's address (not nginx's, and not what the client
 * claims in its own X-Forwarded-For) reaches the program as REMOTE_ADDR and the logs, and that killing one
 * instance - SIGKILL, then SIGTERM another - leaves the connections on the others echoing, while new
 * connections go to the survivors.
 *
 * <p>Clients connect from 127.0.0.2, nginx connects to wsbridge from 127.0.0.1, and only 127.0.0.1 is a
 * trusted proxy. Skipped, saying so, when nginx is not installed (.ci/run installs it).
 */
@Timeout(120)
class NginxScaleOutTest {
    private static final String CLIENT = "127.0.0.2";
    private static final String SPOOFED = "203.0.113.66";

    @TempDir
    Path dir;
    private final List<ExternalServer> instances = new ArrayList<>();
    private final List<RawWebSocket> sockets = new ArrayList<>();
    private Process nginx;

    private static String nginxBinary() {
        for (String candidate : List.of("/usr/sbin/nginx", "/usr/bin/nginx")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        return Commands.onPath("nginx") ? "nginx" : null;
    }

    @AfterEach
    void stop() throws Exception {
        for (RawWebSocket s : sockets) {
            s.close();
        }
        if (nginx != null) {
            nginx.destroy();
            if (!nginx.waitFor(10, TimeUnit.SECONDS)) {
                nginx.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
        for (ExternalServer s : instances) {
            s.close();
        }
    }

    @Test
    void spreadsConnectionsPassesTheClientAddressAndSurvivesLosingAnInstance() throws Exception {
        String binary = nginxBinary();
        if (binary == null) {
            String message = "SKIPPED NginxScaleOutTest: nginx is not installed (apt-get install nginx)";
            System.out.println(message);
            Assumptions.abort(message);
        }
        for (String name : List.of("a", "b", "c")) {
            Path program = Scripts.sh(dir, name + ".sh",
                    "echo \"instance=" + name + " remote=$REMOTE_ADDR forwarded=$HTTP_X_FORWARDED_FOR\"\nexec cat");
            instances.add(ExternalServer.start(List.of("-Xmx64m", "-XX:+UseSerialGC"), "--trustproxy=127.0.0.1",
                    program.toString()));
        }
        int port = startNginx(binary);

        // Six connections, round-robin: two on each instance.
        Map<String, List<RawWebSocket>> byInstance = new LinkedHashMap<>();
        for (int i = 0; i < 6; i++) {
            RawWebSocket ws = RawWebSocket.connectFrom(CLIENT, port, "/chat?n=" + i, Map.of("X-Forwarded-For", SPOOFED));
            sockets.add(ws);
            String hello = ws.readMessage(Duration.ofSeconds(10)).text();
            assertThat(hello).endsWith(" remote=" + CLIENT + " forwarded=" + SPOOFED + ", " + CLIENT);
            byInstance.computeIfAbsent(hello.substring("instance=".length(), hello.indexOf(' ')),
                    k -> new ArrayList<>()).add(ws);
        }
        assertThat(byInstance).containsOnlyKeys("a", "b", "c");
        assertThat(byInstance.values()).allSatisfy(list -> assertThat(list).hasSize(2));
        echoes(byInstance.values().stream().flatMap(List::stream).toList(), "everyone");
        for (ExternalServer instance : instances) {
            Waits.until(Duration.ofSeconds(10), () -> instance.output().stream()
                    .filter(l -> l.contains("CONNECT") && l.contains("remote:'" + CLIENT + "'")).count() == 2,
                    "two CONNECT lines with the client's address");
        }

        // SIGKILL instance a: its clients lose their connections, b's and c's keep talking.
        instances.get(0).signal("KILL");
        for (RawWebSocket ws : byInstance.get("a")) {
            assertThat(ws.awaitEof(Duration.ofSeconds(10))).as("nginx ends a's connections").isTrue();
        }
        echoes(List.of(byInstance.get("b").get(0), byInstance.get("b").get(1), byInstance.get("c").get(0),
                byInstance.get("c").get(1)), "after a was killed");
        // New connections go to the survivors (nginx tries the next upstream when one refuses).
        for (int i = 0; i < 4; i++) {
            RawWebSocket ws = RawWebSocket.connectFrom(CLIENT, port, "/", Map.of());
            sockets.add(ws);
            assertThat(ws.readMessage(Duration.ofSeconds(10)).text()).matches("instance=[bc] remote=127\\.0\\.0\\.2 .*");
        }

        // SIGTERM instance b: an orderly goodbye (1001 through nginx) for its clients, c's go on.
        instances.get(1).signal("TERM");
        for (RawWebSocket ws : byInstance.get("b")) {
            RawWebSocket.Frame close = ws.awaitClose(Duration.ofSeconds(10));
            assertThat(close.closeCode()).isEqualTo(1001);
        }
        assertThat(instances.get(1).awaitExit(20)).isZero();
        echoes(byInstance.get("c"), "after b was stopped");
    }

    private static void echoes(List<RawWebSocket> sockets, String text) throws IOException {
        for (RawWebSocket ws : sockets) {
            ws.sendText(text);
        }
        for (RawWebSocket ws : sockets) {
            RawWebSocket.Frame f = ws.readMessage(Duration.ofSeconds(10));
            assertThat(f.opcode()).isEqualTo(RawWebSocket.TEXT);
            assertThat(f.text()).isEqualTo(text);
        }
    }

    /** nginx in the foreground with everything (pid, logs, temp files) under the test's directory. */
    private int startNginx(String binary) throws Exception {
        Path root = Files.createDirectories(dir.resolve("nginx"));
        Files.createDirectories(root.resolve("tmp"));
        StringBuilder upstreams = new StringBuilder();
        for (ExternalServer s : instances) {
            upstreams.append("    server 127.0.0.1:").append(s.port()).append(";\n");
        }
        for (int attempt = 0; attempt < 5; attempt++) {
            int port = ExternalServer.freePort();
            Files.writeString(root.resolve("nginx.conf"), """
                    daemon off;
                    worker_processes 1;
                    pid %1$s/nginx.pid;
                    error_log %1$s/error.log info;
                    events { worker_connections 256; }
                    http {
                      access_log %1$s/access.log;
                      client_body_temp_path %1$s/tmp/body;
                      proxy_temp_path %1$s/tmp/proxy;
                      fastcgi_temp_path %1$s/tmp/fastcgi;
                      uwsgi_temp_path %1$s/tmp/uwsgi;
                      scgi_temp_path %1$s/tmp/scgi;
                      upstream wsbridge {
                    %2$s  }
                      server {
                        listen 127.0.0.1:%3$d;
                        location / {
                          proxy_pass http://wsbridge;
                          proxy_http_version 1.1;
                          proxy_set_header Upgrade $http_upgrade;
                          proxy_set_header Connection "upgrade";
                          proxy_set_header Host $host;
                          proxy_set_header X-Real-IP $remote_addr;
                          proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                          proxy_bind 127.0.0.1;
                          proxy_read_timeout 1h;
                        }
                      }
                    }
                    """.formatted(root, upstreams, port));
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
            // the port was taken in between, or nginx failed: say why if it is not the port
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
