package io.wsbridge.browser;

import static org.assertj.core.api.Assertions.assertThat;

import io.wsbridge.testing.Scripts;
import io.wsbridge.testing.TestServer;
import io.wsbridge.testing.browser.BrowserPage;
import io.wsbridge.testing.browser.Chromium;
import io.wsbridge.testing.browser.TestPage;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * wss:// from an https:// page, with a self-signed test certificate the browser is told to trust (by the
 * SHA-256 of its public key, --ignore-certificate-errors-spki-list), and the dev console over TLS.
 */
@Timeout(120)
class BrowserTlsTest {
    @TempDir
    static Path tmp;
    static Path cert;
    static Path key;
    static Path scripts;
    static Chromium browser;

    @BeforeAll
    static void start() throws Exception {
        cert = tmp.resolve("cert.pem");
        key = tmp.resolve("key.pem");
        Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-days", "2",
                "-keyout", key.toString(), "-out", cert.toString()).redirectErrorStream(true).start();
        String output = new String(openssl.getInputStream().readAllBytes());
        assertThat(openssl.waitFor(30, TimeUnit.SECONDS)).as("openssl finished").isTrue();
        assertThat(openssl.exitValue()).as(output).isZero();
        assertThat(Files.readString(key)).as("PKCS#8").startsWith("-----BEGIN PRIVATE KEY-----");

        scripts = Files.createDirectories(tmp.resolve("scripts"));
        Scripts.sh(scripts, "echo.sh", "exec cat");
        Scripts.sh(scripts, "https.sh", "echo \"HTTPS=$HTTPS\"\nexit 0");
        browser = Chromium.launch("--ignore-certificate-errors-spki-list=" + spkiSha256(cert));
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
    }

    /** Base64 of the SHA-256 of the certificate's SubjectPublicKeyInfo: how Chromium names a key to trust. */
    static String spkiSha256(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            X509Certificate x509 = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            byte[] spki = x509.getPublicKey().getEncoded(); // X.509 SubjectPublicKeyInfo, DER
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(spki));
        }
    }

    private static TestServer server(String... flags) throws Exception {
        List<String> args = new ArrayList<>(List.of("--ssl", "--sslcert=" + cert, "--sslkey=" + key));
        args.addAll(List.of(flags));
        return TestServer.start(args.toArray(String[]::new));
    }

    @Test
    void wssFromAnHttpsPage() throws Exception {
        try (TestServer server = server("--dir=" + scripts, "--staticdir=" + TestPage.writeTo(tmp.resolve("www")));
             BrowserPage page = browser.newPage().navigate("https://127.0.0.1:" + server.port() + "/")) {
            @SuppressWarnings("unchecked")
            List<Object> events = (List<Object>) page.evaluate("""
                    (async () => {
                      const r = record(wsUrl('/echo.sh'));
                      r.events.push('url ' + r.ws.url + ' secure ' + window.isSecureContext);
                      await r.waitOpen();
                      r.ws.send('über TLS 😀');
                      await r.next();
                      r.ws.close(1000);
                      await r.waitClosed();
                      const env = record(wsUrl('/https.sh'));
                      return r.events.concat(await env.waitClosed());
                    })()""");
            assertThat(events).containsExactly("new 0",
                    "url wss://127.0.0.1:" + server.port() + "/echo.sh secure true",
                    "open 1", "message text über TLS 😀 1", "close 1000 '' clean 3",
                    "new 0", "open 1", "message text HTTPS=on 1", "close 1000 'exit status 0' clean 3");
        }
    }

    @Test
    void theDevConsoleOverHttpsConnectsWithWss() throws Exception {
        try (TestServer server = server("--devconsole", "--dir=" + scripts);
             BrowserPage page = browser.newPage().navigate("https://127.0.0.1:" + server.port() + "/echo.sh")) {
            String wss = "wss://127.0.0.1:" + server.port() + "/echo.sh";
            assertThat(page.evaluate("document.querySelector('#url').value")).isEqualTo(wss);
            page.click("#connect");
            page.waitFor("document.querySelector('#state').textContent === 'OPEN'", Duration.ofSeconds(10), "OPEN");
            page.click("#message");
            page.type("secure hello");
            page.click("#send");
            page.waitFor("[...document.querySelectorAll('#log > .received')].some(d => d.textContent === "
                    + "'RECV: secure hello')", Duration.ofSeconds(10), "the echo");
            page.click("#disconnect");
            page.waitFor("[...document.querySelectorAll('#log > .close')].some(d => d.textContent === "
                    + "'CLOSE code=1000 reason= wasClean=true')", Duration.ofSeconds(10), "the close");
        }
    }
}
