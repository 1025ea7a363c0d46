package io.wsbridge.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.wsbridge.cli.Config;
import io.wsbridge.cli.ConfigParser;
import io.wsbridge.server.ListenException;
import io.wsbridge.server.WsbridgeServer;
import io.wsbridge.testing.Client;
import io.wsbridge.testing.ExternalServer;
import io.wsbridge.testing.RawWebSocket;
import io.wsbridge.testing.Scripts;
import io.wsbridge.testing.TestCertificates;
import io.wsbridge.testing.TestServer;
import io.wsbridge.testing.Waits;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** --ssl, --sslcert, --sslkey, --sslca: wss:// with real certificates, mutual TLS, and bad files. */
@Timeout(60)
class TlsTest {
    private final TestCertificates certs = TestCertificates.shared();

    @TempDir
    Path dir;

    private Path envThenEcho() {
        return Scripts.sh(dir, "env-echo.sh", """
                echo "HTTPS=$HTTPS"
                echo "SERVER_PORT=$SERVER_PORT"
                exec cat
                """);
    }

    private static HttpClient https(SSLContext context) {
        return HttpClient.newBuilder().sslContext(context).connectTimeout(Duration.ofSeconds(5)).build();
    }

    private static String wss(TestServer server) {
        return "wss://127.0.0.1:" + server.port() + "/";
    }

    private void roundTrip(Path cert, Path key) throws Exception {
        try (TestServer server = TestServer.start("--ssl", "--sslcert=" + cert, "--sslkey=" + key,
                envThenEcho().toString());
             Client client = Client.connect(wss(server), https(certs.clientContext(null)))) {
            assertThat(client.nextText(10)).isEqualTo("HTTPS=on");
            assertThat(client.nextText(10)).isEqualTo("SERVER_PORT=" + server.port());
            client.send("über TLS ✓");
            assertThat(client.nextText(10)).isEqualTo("über TLS ✓");
            client.closeNormally();
            assertThat(client.awaitClose(10).code()).isEqualTo(1000);
        }
    }

    @Test
    void wssRoundTripWithAnRsaKeyInPkcs1() throws Exception {
        roundTrip(certs.rsaCert, certs.rsaKeyPkcs1);
    }

    @Test
    void wssRoundTripWithAnEcKeyInSec1() throws Exception {
        roundTrip(certs.ecCert, certs.ecKeySec1);
    }

    @Test
    void wssRoundTripWithAnEd25519Key() throws Exception {
        roundTrip(certs.edCert, certs.edKey);
    }

    @Test
    void wssRoundTripWithPkcs8KeysAndAChainToTheRoot() throws Exception {
        roundTrip(certs.rsaCert, certs.rsaKeyPkcs8);
        // The client trusts only the root: the intermediate must come from the server's --sslcert file.
        roundTrip(certs.chainCert, certs.chainKey);
    }

    @Test
    void mutualTlsAcceptsAClientWithACertificateFromTheCa() throws Exception {
        try (TestServer server = TestServer.start("--ssl", "--sslcert=" + certs.rsaCert,
                "--sslkey=" + certs.rsaKeyPkcs1, "--sslca=" + certs.caCert, "cat");
             Client client = Client.connect(wss(server), https(certs.clientContext(certs.clientP12)))) {
            client.send("hello");
            assertThat(client.nextText(10)).isEqualTo("hello");
        }
    }

    /** A TLS connection that does not get through the handshake, or is dropped right after it. */
    private static boolean refusedAfterHandshakeAttempt(SSLContext context, int port) throws IOException {
        try (SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout(10_000);
            s.startHandshake(); // with TLS 1.3 the server's verdict on our certificate comes after this
            s.getOutputStream().write(("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAAAA==\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            return s.getInputStream().read() < 0;
        } catch (javax.net.ssl.SSLException | java.net.SocketException e) {
            return true;
        }
    }

    @Test
    void mutualTlsRefusesClientsWithoutACertificateOrWithOneFromAnotherCa() throws Exception {
        Logger httpLog = (Logger) LoggerFactory.getLogger("http");
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        httpLog.addAppender(logged);
        try (TestServer server = TestServer.start("--ssl", "--sslcert=" + certs.ecCert,
                "--sslkey=" + certs.ecKeySec1, "--sslca=" + certs.caCert, "cat")) {
            assertThat(refusedAfterHandshakeAttempt(certs.clientContext(null), server.port()))
                    .as("no client certificate").isTrue();
            assertThat(refusedAfterHandshakeAttempt(certs.clientContext(certs.rogueClientP12), server.port()))
                    .as("certificate from an unrelated CA").isTrue();
            assertThat(catchThrowable(() -> Client.connect(wss(server), https(certs.clientContext(null)))))
                    .as("JDK WebSocket client without a certificate").isNotNull();
            assertThat(server.liveChildren()).isZero();
            // The same socket code gets through with a proper certificate, so the refusals above mean something.
            assertThat(refusedAfterHandshakeAttempt(certs.clientContext(certs.clientP12), server.port())).isFalse();
        } finally {
            httpLog.detachAppender(logged);
        }
        assertThat(logged.list).extracting(ILoggingEvent::getFormattedMessage)
                // Java 25's messages start with the TLS alert: "(certificate_required) Empty client ..."
                .anyMatch(m -> m.matches("TLS HANDSHAKE FAILED: (\\(\\w+\\) )?Empty client certificate chain.*"))
                .anyMatch(m -> m.matches("TLS HANDSHAKE FAILED: (\\(\\w+\\) )?PKIX path building failed.*"));
    }

    @Test
    void plainHttpOnTheTlsPortGetsNoAnswerAndTheServerGoesOn() throws Exception {
        try (TestServer server = TestServer.start("--ssl", "--sslcert=" + certs.rsaCert,
                "--sslkey=" + certs.rsaKeyPkcs1, "cat")) {
            Throwable t = catchThrowable(() -> RawWebSocket.tryUpgrade(server.port(), "/", java.util.Map.of()));
            assertThat(t).isInstanceOf(IOException.class);
            try (Client client = Client.connect(wss(server), https(certs.clientContext(null)))) {
                client.send("still serving");
                assertThat(client.nextText(10)).isEqualTo("still serving");
            }
        }
    }

    @Test
    void badCertificateOrKeyFailsTheStartNamingTheFile() throws Exception {
        Path garbage = certs.write("garbage.key", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
        ConfigParser.Outcome outcome = new ConfigParser(System.getenv()).parse("--address=127.0.0.1", "--ssl",
                "--sslcert=" + certs.rsaCert, "--sslkey=" + garbage, "cat");
        Config config = ((ConfigParser.Run) outcome).config();
        WsbridgeServer server = new WsbridgeServer(config.withListen(config.listen().withPort(0)), System.getenv());
        Throwable t = catchThrowable(server::start);
        assertThat(t).isInstanceOf(ListenException.class).hasMessageContaining("--sslkey " + garbage);
        assertThat(server.boundAddresses()).isEmpty();
        server.awaitTermination();
    }

    @Test
    void sslcaWithoutSslIsAConfigurationError() {
        ConfigParser.Outcome outcome = new ConfigParser(System.getenv()).parse("--sslca=" + certs.caCert, "cat");
        assertThat(outcome).isInstanceOf(ConfigParser.Exit.class);
        assertThat(((ConfigParser.Exit) outcome).code()).isEqualTo(1);
    }

    /**
     * As its own process: log lines (wss:// banner, https:// URLs, mutual TLS), Netty's TLS classes loaded
     * (the other side of {@link #noTlsClassIsLoadedWithoutSsl}), and exit code 3 for a bad key.
     */
    @Test
    void asAProcessBannersHttpsUrlsAndExitCode3ForABadKey() throws Exception {
        try (ExternalServer server = ExternalServer.start(List.of("-Xlog:class+load=info"), "--ssl",
                "--sslcert=" + certs.rsaCert, "--sslkey=" + certs.rsaKeyPkcs8, "--sslca=" + certs.caCert, "cat")) {
            try (Client client = Client.connect("wss://127.0.0.1:" + server.port() + "/x?y=1",
                    https(certs.clientContext(certs.clientP12)))) {
                client.send("a");
                assertThat(client.nextText(10)).isEqualTo("a");
            }
            Waits.until(Duration.ofSeconds(10), () -> server.output().stream().anyMatch(l -> l.contains("DISCONNECT")),
                    "DISCONNECT logged");
            assertThat(server.output()).anyMatch(l -> l.contains("Starting WebSocket server   : wss://127.0.0.1:"))
                    .anyMatch(l -> l.contains("Mutual TLS enabled (client certs verified against " + certs.caCert))
                    .anyMatch(l -> l.contains("url:'https://127.0.0.1:" + server.port() + "/x?y=1'")
                            && l.contains("CONNECT"))
                    .anyMatch(l -> l.contains("io.netty.handler.ssl.SslContext "));
        }
        ExternalServer bad = ExternalServer.launch(List.of(), List.of("--port=" + ExternalServer.freePort(),
                "--address=127.0.0.1", "--ssl", "--sslcert=" + certs.rsaCert, "--sslkey=" + certs.ecKeySec1, "cat"));
        assertThat(bad.awaitExit(20)).isEqualTo(3);
        assertThat(bad.output()).anyMatch(l -> l.contains("FATAL") && l.contains("Can't start server")
                && l.contains("is not the private key of the certificate"));
    }

    /** Start-up time matters: without --ssl not one of Netty's TLS classes is loaded. */
    @Test
    void noTlsClassIsLoadedWithoutSsl() throws Exception {
        try (ExternalServer server = ExternalServer.start(List.of("-Xlog:class+load=info"), "cat")) {
            try (Client client = Client.connect(server.url("/"))) {
                client.send("x");
                assertThat(client.nextText(10)).isEqualTo("x");
            }
            assertThat(server.output()).anyMatch(l -> l.contains("io.netty.handler.codec.http.HttpServerCodec"))
                    .noneMatch(l -> l.contains("io.netty.handler.ssl.") || l.contains("io.wsbridge.tls."));
        }
    }
}
