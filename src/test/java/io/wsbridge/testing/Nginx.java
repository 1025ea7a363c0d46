package io.wsbridge.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Debian's nginx in the foreground as a WebSocket load balancer (round robin) in front of some loopback ports,
 * with everything (pid, logs, temp files) under the test's directory. Tests that need it are skipped, saying
 * so, when nginx is not installed (.ci/run installs it).
 */
public final class Nginx implements AutoCloseable {
    private final Process process;
    private final int port;

    private Nginx(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    public static String binary() {
        for (String candidate : List.of("/usr/sbin/nginx", "/usr/bin/nginx")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        return null;
    }

    public static void assumeInstalled(String test) {
        if (binary() == null) {
            String message = "SKIPPED " + test + ": nginx is not installed (apt-get install nginx)";
            System.out.println(message);
            Assumptions.abort(message);
        }
    }

    public int port() {
        return port;
    }

    /** Proxies WebSockets on a free 127.0.0.1 port to these 127.0.0.1 ports in turn. */
    public static Nginx start(Path dir, List<Integer> upstreams) throws Exception {
        Path root = Files.createDirectories(dir.resolve("nginx"));
        Files.createDirectories(root.resolve("tmp"));
        StringBuilder servers = new StringBuilder();
        for (int p : upstreams) {
            servers.append("    server 127.0.0.1:").append(p).append(";\n");
        }
        for (int attempt = 0; attempt < 5; attempt++) {
            int port = ExternalServer.freePort();
            Files.writeString(root.resolve("nginx.conf"), """
                    daemon off;
                    worker_processes 1;
                    pid %1$s/nginx.pid;
                    error_log %1$s/error.log info;
                    events { worker_connections 1024; }
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
                          proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                          proxy_read_timeout 1h;
                        }
                      }
                    }
                    """.formatted(root, servers, port));
            Process p = new ProcessBuilder(binary(), "-p", root.toString(), "-c", root.resolve("nginx.conf").toString(),
                    "-e", root.resolve("error.log").toString())
                    .redirectErrorStream(true).redirectOutput(root.resolve("stdout.log").toFile()).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline && p.isAlive()) {
                if (accepts(port)) {
                    return new Nginx(p, port);
                }
                Thread.sleep(10);
            }
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
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

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }
}
