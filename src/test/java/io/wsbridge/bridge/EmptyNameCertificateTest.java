package io.wsbridge.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.wsbridge.testing.ExternalServer;
import io.wsbridge.testing.OpensslWebSocket;
import io.wsbridge.testing.TestCertificates;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Certificates with an empty subject and issuer ({@code openssl req -subj "/"}): websocketd serves with them
 * and verifies client certificates like them; the JDK's parser refuses them. The server runs as its own
 * process (so nothing it installs in the JVM helps the test), and the client is openssl s_client.
 */
@Timeout(120)
class EmptyNameCertificateTest {
    private static final TestCertificates certs = TestCertificates.shared();

    @BeforeAll
    static void makeCertificates() {
        // The server's certificate exactly as in the issue: self-signed, empty name, an IP SAN.
        certs.openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", "unnamed.key", "-out", "unnamed.pem", "-days", "1", "-subj", "/",
                "-addext", "subjectAltName=IP:127.0.0.1");
        // Two CAs without a name (same empty name, different keys), and a client certificate from each.
        for (String ca : List.of("unnamed-ca", "unnamed-rogue-ca")) {
            certs.openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", ca + ".key", "-out", ca + ".pem", "-days", "1", "-subj", "/",
                    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign");
            String client = ca.replace("ca", "client");
            certs.openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", client + ".key", "-out", client + ".csr", "-subj", "/");
            certs.write(client + ".ext", "subjectAltName=email:client@example.test\nextendedKeyUsage=clientAuth\n");
            certs.openssl("x509", "-req", "-in", client + ".csr", "-CA", ca + ".pem", "-CAkey", ca + ".key",
                    "-set_serial", "7", "-days", "1", "-extfile", client + ".ext", "-out", client + ".pem");
        }
    }

    private static Path file(String name) {
        return certs.dir.resolve(name);
    }

    private static ExternalServer serve(String... tls) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("--ssl", "--sslcert=" + file("unnamed.pem"),
                "--sslkey=" + file("unnamed.key")));
        args.addAll(List.of(tls));
        args.add("cat");
        return ExternalServer.start(List.of(), args.toArray(String[]::new));
    }

    @Test
    void aServerCertificateWithAnEmptyNameServesWss() throws Exception {
        assertThat(certs.openssl("x509", "-in", "unnamed.pem", "-noout", "-subject", "-issuer"))
                .contains("subject=\n").contains("issuer=\n");
        try (ExternalServer server = serve()) {
            OpensslWebSocket.Result r = OpensslWebSocket.echo(server.port(), file("unnamed.pem"), null, null,
                    "über TLS");
            assertThat(r.status()).as(r.diagnostics()).isEqualTo(101);
            assertThat(r.text()).isEqualTo("über TLS");
            assertThat(r.diagnostics()).contains("verify return:1").doesNotContain("verify error");
        }
    }

    @Test
    void clientCertificatesWithEmptyNamesAreVerifiedAgainstTheirCa() throws Exception {
        try (ExternalServer server = serve("--sslca=" + file("unnamed-ca.pem"))) {
            OpensslWebSocket.Result ok = OpensslWebSocket.echo(server.port(), file("unnamed.pem"),
                    file("unnamed-client.pem"), file("unnamed-client.key"), "mutual");
            assertThat(ok.status()).as(ok.diagnostics()).isEqualTo(101);
            assertThat(ok.text()).isEqualTo("mutual");

            // The same empty issuer name, but signed by another key: refused.
            OpensslWebSocket.Result rogue = OpensslWebSocket.echo(server.port(), file("unnamed.pem"),
                    file("unnamed-rogue-client.pem"), file("unnamed-rogue-client.key"), "rogue");
            assertThat(rogue.status()).as(rogue.diagnostics()).isEqualTo(-1);
            OpensslWebSocket.Result none = OpensslWebSocket.echo(server.port(), file("unnamed.pem"), null, null,
                    "none");
            assertThat(none.status()).as(none.diagnostics()).isEqualTo(-1);
            // A named client certificate from an unrelated CA still goes through the JDK's validator.
            OpensslWebSocket.Result named = OpensslWebSocket.echo(server.port(), file("unnamed.pem"),
                    file("rogue-client.pem"), file("rogue-client.key"), "named");
            assertThat(named.status()).as(named.diagnostics()).isEqualTo(-1);
        }
    }

    @Test
    void aKeyThatDoesNotMatchTheUnnamedCertificateIsStillRefusedAtStartUp() throws Exception {
        ExternalServer bad = ExternalServer.launch(List.of(), List.of("--port=" + ExternalServer.freePort(),
                "--address=127.0.0.1", "--ssl", "--sslcert=" + file("unnamed.pem"),
                "--sslkey=" + file("unnamed-ca.key"), "cat"));
        assertThat(bad.awaitExit(20)).isEqualTo(3);
        assertThat(bad.output()).anyMatch(l -> l.contains("is not the private key of the certificate"));
    }
}
