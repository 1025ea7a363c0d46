package io.wsbridge.abuse;

import static org.assertj.core.api.Assertions.assertThat;

import io.wsbridge.testing.RawWebSocket;
import io.wsbridge.testing.ResourceBaseline;
import io.wsbridge.testing.TestServer;
import io.wsbridge.testing.Waits;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13 point 3: a program that cannot be started when a client comes (here: its file lost its exec bit, or
 * was deleted, after the server started) gets the client a plain 503 naming the reason, before any 101 (before:
 * 101, then close 1011 "cannot start program"); nothing is left behind, and the server goes on serving others.
 * A failure inside the process layer (pipes: EMFILE) is {@link SpawnFailureIT}.
 */
@Timeout(60)
class StartFailureTest {
    @TempDir
    Path dir;

    private Path script(String name) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, "#!/bin/sh\nexec cat\n");
        executable(p, true);
        return p;
    }

    private static void executable(Path p, boolean yes) throws IOException {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(yes ? "rwxr-xr-x" : "rw-r--r--"));
    }

    static void echoes(TestServer server, String path) throws IOException {
        echoes(server.port(), path);
    }

    static void echoes(int port, String path) throws IOException {
        try (RawWebSocket ws = RawWebSocket.connect(port, path)) {
            ws.sendText("ping");
            assertThat(ws.readMessage(Duration.ofSeconds(10)).text()).isEqualTo("ping");
        }
    }

    /** The whole answer to an upgrade request (plus {@code early} bytes in the same write), until EOF. */
    private static String answer(int port, String path, byte[] early) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            return answer(s, port, path, early);
        }
    }

    /** The same on a connection already made. */
    static String answer(Socket s, int port, String path, byte[] early) throws IOException {
        s.setSoTimeout(10_000);
        byte[] head = ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: " + Base64.getEncoder().encodeToString(new byte[16])
                + "\r\nSec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        request.write(head);
        request.write(early);
        s.getOutputStream().write(request.toByteArray());
        InputStream in = new BufferedInputStream(s.getInputStream());
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] b = new byte[4096];
        for (int n; (n = in.read(b)) > 0; ) { // the server closes after its answer (10 s read timeout)
            all.write(b, 0, n);
        }
        return all.toString(StandardCharsets.ISO_8859_1);
    }

    static void assertRefused(String answer, String reason) {
        assertThat(answer).as("the whole answer").startsWith("HTTP/1.1 503 Service Unavailable\r\n")
                .doesNotContain(" 101 ").doesNotContain("Sec-WebSocket-Accept")
                .contains("Connection: close")
                .endsWith("\r\n\r\n503 Service Unavailable: cannot start program: " + reason + "\n");
    }

    @Test
    void aProgramThatCannotStartGets503BeforeAny101() throws Exception {
        Path prog = script("prog.sh");
        try (TestServer server = TestServer.start(prog.toString())) {
            echoes(server, "/");
            ResourceBaseline baseline = ResourceBaseline.of(server);
            try (RawWebSocket live = RawWebSocket.connect(server.port(), "/")) { // a session that goes on
                executable(prog, false);
                for (int i = 0; i < 5; i++) {
                    assertRefused(answer(server.port(), "/", new byte[0]), "Permission denied");
                }
                // Frames sent with the request are held until the program runs: here they are freed unread.
                byte[] early = RawWebSocket.frame(RawWebSocket.TEXT, true, "lost".getBytes(StandardCharsets.UTF_8),
                        true, 0);
                assertRefused(answer(server.port(), "/", early), "Permission denied");
                Files.delete(prog);
                assertRefused(answer(server.port(), "/", new byte[0]), "No such file or directory");

                live.sendText("still here");
                assertThat(live.readMessage(Duration.ofSeconds(10)).text()).isEqualTo("still here");
            }
            Waits.until(Duration.ofSeconds(10), () -> server.liveChildren() == 0, "the live session's cat reaped");
            baseline.assertRestored(Duration.ofSeconds(10));
            script("prog.sh");
            echoes(server, "/"); // serves again once the program can start
        }
    }

    @Test
    void aBurstOfClientsOfAProgramThatCannotStartAllGet503() throws Exception {
        Path prog = script("prog.sh");
        try (TestServer server = TestServer.start(prog.toString())) {
            echoes(server, "/");
            ResourceBaseline baseline = ResourceBaseline.of(server);
            executable(prog, false);
            ExecutorService pool = Executors.newFixedThreadPool(20);
            try {
                List<Future<String>> answers = new ArrayList<>();
                for (int i = 0; i < 40; i++) {
                    answers.add(pool.submit(() -> answer(server.port(), "/", new byte[0])));
                }
                for (Future<String> a : answers) {
                    assertRefused(a.get(20, TimeUnit.SECONDS), "Permission denied");
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(server.liveChildren()).isZero();
            baseline.assertRestored(Duration.ofSeconds(10));
            executable(prog, true);
            echoes(server, "/");
        }
    }

    /** --rooms: the program starts with a room's first client, so the same rule applies to it. */
    @Test
    void aRoomWhoseProgramCannotStartRefusesItsFirstClientWith503() throws Exception {
        Path prog = script("room.sh");
        try (TestServer server = TestServer.start("--rooms", prog.toString())) {
            echoes(server, "/warm");
            Waits.until(Duration.ofSeconds(10), () -> server.liveChildren() == 0, "the warm-up room ended");
            ResourceBaseline baseline = ResourceBaseline.of(server);
            try (RawWebSocket other = RawWebSocket.connect(server.port(), "/other")) { // a room that goes on
                executable(prog, false);
                assertRefused(answer(server.port(), "/r", new byte[0]), "Permission denied");
                ExecutorService pool = Executors.newFixedThreadPool(10);
                try {
                    List<Future<String>> answers = new ArrayList<>();
                    for (int i = 0; i < 10; i++) { // many first clients of one room at once
                        answers.add(pool.submit(() -> answer(server.port(), "/r2", new byte[0])));
                    }
                    for (Future<String> a : answers) {
                        assertRefused(a.get(20, TimeUnit.SECONDS), "Permission denied");
                    }
                } finally {
                    pool.shutdownNow();
                }
                other.sendText("still here");
                assertThat(other.readMessage(Duration.ofSeconds(10)).text()).isEqualTo("still here");
                executable(prog, true);
                echoes(server, "/r"); // the failed room was retired: a new one starts
            }
            Waits.until(Duration.ofSeconds(10), () -> server.liveChildren() == 0, "rooms ended");
            baseline.assertRestored(Duration.ofSeconds(10));
        }
    }

    /** What a client that sends frames with its upgrade gets once the program runs: nothing lost or reordered. */
    @Test
    void framesSentWithTheUpgradeWaitForTheProgram() throws Exception {
        Path prog = script("prog.sh");
        try (TestServer server = TestServer.start(prog.toString())) {
            byte[] early = new byte[0];
            for (int i = 0; i < 50; i++) {
                byte[] f = RawWebSocket.frame(RawWebSocket.TEXT, true, ("m" + i).getBytes(StandardCharsets.UTF_8),
                        true, 0);
                byte[] both = java.util.Arrays.copyOf(early, early.length + f.length);
                System.arraycopy(f, 0, both, early.length, f.length);
                early = both;
            }
            try (RawWebSocket ws = RawWebSocket.connectWithEarlyBytes(server.port(), "/", early)) {
                for (int i = 0; i < 50; i++) {
                    assertThat(ws.readMessage(Duration.ofSeconds(10)).text()).isEqualTo("m" + i);
                }
            }
        }
    }
}
