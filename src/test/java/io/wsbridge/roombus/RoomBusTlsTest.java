package io.wsbridge.roombus;

import static org.assertj.core.api.Assertions.assertThat;

import io.wsbridge.testing.RedisServer;
import io.wsbridge.testing.TestCertificates;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * rediss://: a redis-server that speaks only TLS, with a certificate from a private CA. The bus verifies it with
 * the JVM's trust store, so a private CA is added the usual Java way (JAVA_OPTS=-Djavax.net.ssl.trustStore=...);
 * without it the connection is refused at start with the URL in the message.
 */
@Timeout(60)
class RoomBusTlsTest {
    @TempDir
    Path dir;

    @Test
    void connectsOverTlsWithTheCaTrustedAndRefusesWithout() throws Exception {
        RedisServer.assumeInstalled("RoomBusTlsTest");
        TestCertificates certs = TestCertificates.shared();
        Path trust = dir.resolve("trust.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-importcert", "-noprompt", "-alias", "ca", "-file", certs.caCert.toString(), "-keystore",
                trust.toString(), "-storetype", "PKCS12", "-storepass", "changeit").redirectErrorStream(true).start();
        keytool.getInputStream().readAllBytes();
        assertThat(keytool.waitFor(30, TimeUnit.SECONDS) && keytool.exitValue() == 0).isTrue();
        try (RedisServer redis = RedisServer.startTls(dir, certs.rsaCert, certs.rsaKeyPkcs8, certs.caCert)) {
            assertThat(redis.url()).startsWith("rediss://");
            assertThat(probe(redis.url(), "-Djavax.net.ssl.trustStore=" + trust,
                    "-Djavax.net.ssl.trustStorePassword=changeit")).contains("connected: true");
            assertThat(probe(redis.url())).anyMatch(l -> l.startsWith("unavailable: Can't reach the room bus at "
                    + redis.url()));
        }
    }

    private static List<String> probe(String url, String... jvmOptions) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(List.of(jvmOptions));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), LoadProbe.class.getName(), "url", url));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return out.lines().toList();
    }
}
