package io.wsbridge.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.wsbridge.testing.Scripts;
import io.wsbridge.testing.TestCertificates;
import io.wsbridge.testing.TestServer;
import io.wsbridge.testing.Waits;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A static file sent over TLS goes through a ChunkedWriteHandler that StaticFiles adds to the connection's
 * pipeline; the switch to WebSocket removes it with the other HTTP stages. Here the same keep-alive TLS
 * connection fetches a file and is then upgraded: the session must work and keep its backpressure (a client
 * that stops reading pauses the program; the server holds a few MiB, not everything the program prints).
 */
@Timeout(90)
class KeepAliveThenUpgradeTest {
    private static final int MIB = 1 << 20;

    @TempDir
    Path dir;

    @Test
    void aStaticFileOverTlsThenAnUpgradeOnTheSameConnectionKeepsBackpressure() throws Exception {
        TestCertificates certs = TestCertificates.shared();
        Path www = Files.createDirectories(dir.resolve("www"));
        Files.writeString(www.resolve("a.txt"), "static file\n");
        Path written = dir.resolve("written");
        // Prints 1 KiB lines for ever and says how many bytes it has written so far (every 64 KiB).
        Path flood = Scripts.python(dir, "flood.py", """
                import os, sys
                line = b"x" * 1023 + b"\\n"
                out = sys.stdout.buffer
                fd = os.open(%s, os.O_WRONLY | os.O_CREAT, 0o644)
                n = 0
                while True:
                    out.write(line)
                    out.flush()
                    n += len(line)
                    if n %% 65536 == 0:
                        os.pwrite(fd, b"%%20d" %% n, 0)
                """.formatted("'" + written + "'"));
        try (TestServer server = TestServer.start("--ssl", "--sslcert=" + certs.ecCert, "--sslkey=" + certs.ecKeySec1,
                "--staticdir=" + www, flood.toString());
             SSLSocket s = (SSLSocket) certs.clientContext(null).getSocketFactory().createSocket()) {
            s.setReceiveBufferSize(4096);
            s.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("GET /a.txt HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            String fileResponse = head(in);
            assertThat(fileResponse).startsWith("HTTP/1.1 200");
            assertThat(new String(in.readNBytes(12), StandardCharsets.US_ASCII)).isEqualTo("static file\n");

            s.getOutputStream().write(("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAAAA==\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            assertThat(head(in)).startsWith("HTTP/1.1 101");
            assertThat(in.read()).as("first frame: text, FIN").isEqualTo(0x81);

            // The client reads no more. With backpressure the program blocks on its pipe once the socket's
            // buffers, Netty's write buffer and the pipe are full: a few MiB, and then nothing more.
            long[] last = {-1};
            long[] since = {System.nanoTime()};
            Waits.until(Duration.ofSeconds(60), () -> {
                long now = bytesWritten(written);
                if (now != last[0]) {
                    last[0] = now;
                    since[0] = System.nanoTime();
                    return false;
                }
                return now > 0 && System.nanoTime() - since[0] > Duration.ofMillis(1500).toNanos();
            }, () -> "the program to block; it has written " + last[0] / MIB + " MiB so far");
            assertThat(last[0]).as("bytes the program could write to a client that reads nothing")
                    .isLessThan(32L * MIB);
        }
    }

    private static long bytesWritten(Path file) {
        try {
            String s = Files.readString(file).trim();
            return s.isEmpty() ? 0 : Long.parseLong(s);
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    /** Reads a response head up to its empty line. */
    private static String head(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed after " + head);
            }
            head.write(b);
            matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : b == '\r' ? 1 : 0;
        }
        return head.toString(StandardCharsets.US_ASCII);
    }
}
