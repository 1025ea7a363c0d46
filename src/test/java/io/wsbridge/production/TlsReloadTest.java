package io.wsbridge.production;

import static org.assertj.core.api.Assertions.assertThat;

import io.wsbridge.testing.ExternalServer;
import io.wsbridge.testing.Scripts;
import io.wsbridge.testing.TestCertificates;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import io.wsbridge.testing.Waits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** SIGHUP re-reads --sslcert/--sslkey: new connections get the renewed certificate, open ones go on. */
@Timeout(120)
class TlsReloadTest {
    @TempDir
    Path dir;

    /** Accepts any certificate: the test looks at which one the server presents. */
    private static SSLContext anyCertificate() throws Exception {
        SSLContext c = SSLContext.getInstance("TLS");
        c.init(null, new TrustManager[] {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        return c;
    }

    private static SSLSocket open(SSLContext c, int port) throws Exception {
        SSLSocket s = (SSLSocket) c.getSocketFactory().createSocket("127.0.0.1", port);
        s.setSoTimeout(10_000);
        s.startHandshake();
        return s;
    }

    private static String keyAlgorithm(SSLSocket s) throws Exception {
        return ((X509Certificate) s.getSession().getPeerCertificates()[0]).getPublicKey().getAlgorithm();
    }

    @Test
    void aRenewedCertificateIsServedAfterSighupWithoutDroppingConnections() throws Exception {
        TestCertificates certs = TestCertificates.shared();
        Path cert = dir.resolve("server.pem");
        Path key = dir.resolve("server.key");
        Files.copy(certs.rsaCert, cert);
        Files.copy(certs.rsaKeyPkcs8, key);
        Path echo = Scripts.sh(dir, "echo.sh", "exec cat");
        SSLContext client = anyCertificate();
        try (ExternalServer s = ExternalServer.start(List.of(), "--ssl", "--sslcert=" + cert, "--sslkey=" + key,
                echo.toString()); SSLSocket before = open(client, s.port())) {
            assertThat(keyAlgorithm(before)).isEqualTo("RSA");
            OutputStream out = before.getOutputStream();
            out.write(("GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(before.getInputStream(),
                    StandardCharsets.ISO_8859_1));
            assertThat(in.readLine()).startsWith("HTTP/1.1 101");
            while (!in.readLine().isEmpty()) {
                // the rest of the 101
            }

            Files.copy(certs.ecCert, cert, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.copy(certs.ecKeyPkcs8, key, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            s.signal("HUP");
            Waits.until(Duration.ofSeconds(10), () -> s.output().stream().anyMatch(l -> l.contains(
                    "Re-read TLS certificate")), "the re-read logged");
            try (SSLSocket after = open(client, s.port())) {
                assertThat(keyAlgorithm(after)).as("the renewed certificate").isEqualTo("EC");
            }

            // The connection made before SIGHUP still works: a masked text frame "hi" comes back.
            byte[] mask = {1, 2, 3, 4};
            byte[] payload = "hi".getBytes(StandardCharsets.US_ASCII);
            out.write(new byte[] {(byte) 0x81, (byte) (0x80 | payload.length), mask[0], mask[1], mask[2], mask[3],
                    (byte) (payload[0] ^ mask[0]), (byte) (payload[1] ^ mask[1])});
            out.flush();
            byte[] frame = before.getInputStream().readNBytes(4);
            assertThat(frame).containsExactly(0x81, 2, 'h', 'i');

            Files.writeString(key, "not a key"); // broken: the previous certificate stays
            s.signal("HUP");
            Waits.until(Duration.ofSeconds(10), () -> s.output().stream().anyMatch(l -> l.contains(
                    "Keeping the previous TLS certificate")), "the failed re-read logged");
            try (SSLSocket again = open(client, s.port())) {
                assertThat(keyAlgorithm(again)).isEqualTo("EC");
            }
            assertThat(s.process().isAlive()).isTrue();
        }
    }
}
