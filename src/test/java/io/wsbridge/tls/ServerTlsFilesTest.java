package io.wsbridge.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.wsbridge.cli.Config;
import io.wsbridge.testing.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Reading what users give --sslcert, --sslkey and --sslca: every PEM key form openssl writes, chains, and
 * every way these files are wrong, each refused at start-up with a message naming the file and the problem.
 */
@Timeout(60)
class ServerTlsFilesTest {
    private final TestCertificates certs = TestCertificates.shared();

    private static byte[] pemBody(Path file, String label) throws Exception {
        return Pem.parse(Files.readString(file), file.toString()).stream()
                .filter(b -> b.label().equals(label)).findFirst().orElseThrow().der();
    }

    @Test
    void rsaKeyInPkcs1IsRewrappedExactlyAsOpensslWritesPkcs8() throws Exception {
        byte[] ours = PrivateKeys.pkcs1ToPkcs8(pemBody(certs.rsaKeyPkcs1, "RSA PRIVATE KEY"));
        assertThat(ours).isEqualTo(pemBody(certs.rsaKeyPkcs8, "PRIVATE KEY"));
        RSAPrivateCrtKey a = (RSAPrivateCrtKey) PrivateKeys.read(certs.rsaKeyPkcs1, "--sslkey");
        RSAPrivateCrtKey b = (RSAPrivateCrtKey) PrivateKeys.read(certs.rsaKeyPkcs8, "--sslkey");
        assertThat(a.getPrivateExponent()).isEqualTo(b.getPrivateExponent());
        assertThat(a.getModulus().bitLength()).isEqualTo(2048);
    }

    @Test
    void ecKeyInSec1WithItsParametersBlockReadsAsTheSameKeyAsPkcs8() throws Exception {
        assertThat(Files.readString(certs.ecKeySec1)).contains("BEGIN EC PARAMETERS", "BEGIN EC PRIVATE KEY");
        ECPrivateKey sec1 = (ECPrivateKey) PrivateKeys.read(certs.ecKeySec1, "--sslkey");
        ECPrivateKey pkcs8 = (ECPrivateKey) PrivateKeys.read(certs.ecKeyPkcs8, "--sslkey");
        assertThat(sec1.getS()).isEqualTo(pkcs8.getS());
        assertThat(sec1.getParams().getCurve()).isEqualTo(pkcs8.getParams().getCurve());
    }

    @Test
    void everyKeyFormBuildsAContextThatMatchesItsCertificate() throws Exception {
        for (Path[] pair : new Path[][] {{certs.rsaCert, certs.rsaKeyPkcs1}, {certs.rsaCert, certs.rsaKeyPkcs8},
                {certs.ecCert, certs.ecKeySec1}, {certs.ecCert, certs.ecKeyPkcs8}, {certs.chainCert, certs.chainKey}}) {
            SslContext context = ServerTls.context(new Config.Tls(true, pair[0], pair[1], null));
            assertThat(context.isServer()).as("%s", List.of(pair)).isTrue();
        }
        assertThat(Certificates.read(certs.chainCert, "--sslcert")).hasSize(2);
    }

    @Test
    void onlyTls12AndNewerAreEnabled() throws Exception {
        SslContext context = ServerTls.context(new Config.Tls(true, certs.rsaCert, certs.rsaKeyPkcs1, certs.caCert));
        SSLEngine engine = context.newEngine(ByteBufAllocator.DEFAULT);
        assertThat(engine.getEnabledProtocols()).containsExactlyInAnyOrder("TLSv1.3", "TLSv1.2");
        assertThat(engine.getNeedClientAuth()).isTrue();
        SSLEngine withoutCa = ServerTls.context(new Config.Tls(true, certs.rsaCert, certs.rsaKeyPkcs1, null))
                .newEngine(ByteBufAllocator.DEFAULT);
        assertThat(withoutCa.getNeedClientAuth()).isFalse();
        assertThat(withoutCa.getWantClientAuth()).isFalse();
    }

    private String refusal(Path cert, Path key, Path ca) {
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(
                () -> ServerTls.context(new Config.Tls(true, cert, key, ca)));
        assertThat(t).isInstanceOf(TlsSetupException.class);
        return t.getMessage();
    }

    @Test
    void keyOfAnotherCertificateIsRefused() {
        assertThat(refusal(certs.rsaCert, certs.ecKeySec1, null))
                .contains("--sslkey " + certs.ecKeySec1, "is not the private key of the certificate");
        assertThat(refusal(certs.ecCert, certs.chainKey, null)).contains("is not the private key");
    }

    @Test
    void encryptedKeysAreRefusedWithAHint() {
        certs.openssl("pkcs8", "-topk8", "-in", "ec-sec1.key", "-passout", "pass:secret", "-out", "enc-pkcs8.key");
        certs.openssl("rsa", "-in", "rsa-pkcs1.key", "-traditional", "-aes128", "-passout", "pass:secret", "-out",
                "enc-pkcs1.key");
        assertThat(refusal(certs.ecCert, certs.dir.resolve("enc-pkcs8.key"), null)).contains("encrypted");
        assertThat(refusal(certs.rsaCert, certs.dir.resolve("enc-pkcs1.key"), null)).contains("encrypted",
                "openssl pkey");
    }

    @Test
    void keysOfUnsupportedKindsAreRefused() {
        certs.openssl("genpkey", "-algorithm", "X25519", "-out", "x25519.key");
        assertThat(refusal(certs.rsaCert, certs.dir.resolve("x25519.key"), null))
                .contains("unsupported key algorithm 1.3.101.110");
        certs.openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-param_enc", "explicit", "-out",
                "explicit.key");
        assertThat(refusal(certs.ecCert, certs.dir.resolve("explicit.key"), null)).contains("named curve");
    }

    @Test
    void brokenFilesAreRefusedNamingTheFile() {
        String junk = Base64.getEncoder().encodeToString("not a key at all, just text".getBytes());
        Path empty = certs.write("empty.pem", "");
        Path text = certs.write("text.pem", "hello\n");
        Path noEnd = certs.write("noend.pem", "-----BEGIN PRIVATE KEY-----\nAAAA\n");
        Path badBase64 = certs.write("badb64.pem", "-----BEGIN PRIVATE KEY-----\n!!!!\n-----END PRIVATE KEY-----\n");
        Path junkRsa = certs.write("junk-rsa.pem", "-----BEGIN RSA PRIVATE KEY-----\n" + junk
                + "\n-----END RSA PRIVATE KEY-----\n");
        Path junkEc = certs.write("junk-ec.pem", "-----BEGIN EC PRIVATE KEY-----\nMAMCAQE=\n-----END EC PRIVATE KEY-----\n");
        Path junkCert = certs.write("junk-cert.pem", "-----BEGIN CERTIFICATE-----\n" + junk
                + "\n-----END CERTIFICATE-----\n");
        Path twoKeys = certs.write("two.key", certs.read("ec-pkcs8.key") + certs.read("rsa-pkcs8.key"));
        assertThat(refusal(certs.rsaCert, empty, null)).contains(empty.toString(), "no private key found");
        assertThat(refusal(certs.rsaCert, text, null)).contains("no private key found");
        assertThat(refusal(certs.rsaCert, noEnd, null)).contains("no END line");
        assertThat(refusal(certs.rsaCert, badBase64, null)).contains("not valid base64");
        assertThat(refusal(certs.rsaCert, junkRsa, null)).contains(junkRsa.toString());
        assertThat(refusal(certs.ecCert, junkEc, null)).contains(junkEc.toString());
        assertThat(refusal(certs.rsaCert, twoKeys, null)).contains("2 private keys");
        assertThat(refusal(empty, certs.rsaKeyPkcs1, null)).contains("--sslcert " + empty, "no certificate found");
        assertThat(refusal(certs.rsaKeyPkcs1, certs.rsaKeyPkcs1, null)).contains("no certificate found");
        assertThat(refusal(junkCert, certs.rsaKeyPkcs1, null)).contains("not a valid X.509 certificate");
        assertThat(refusal(certs.rsaCert, certs.rsaKeyPkcs1, text)).contains("--sslca " + text);
        assertThat(refusal(certs.rsaCert, certs.dir.resolve("missing.key"), null)).contains("cannot read");
    }

    @Test
    void malformedDerNeverEscapesAsAnIndexError() {
        byte[][] hostile = {
            {}, {0x30}, {0x30, (byte) 0x84, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff}, {0x30, (byte) 0x80},
            {0x30, 0x05, 0x02, 0x01}, {0x1f, 0x01, 0x00}, {0x30, 0x03, 0x02, 0x01, 0x00, 0x00},
            {0x30, 0x06, 0x02, 0x01, 0x01, 0x04, 0x01, 0x00}, // SEC1 without a curve
        };
        for (byte[] der : hostile) {
            assertThatThrownBy(() -> PrivateKeys.sec1ToPkcs8(der)).isInstanceOf(TlsSetupException.class);
            assertThatThrownBy(() -> PrivateKeys.fromPkcs8(der)).isInstanceOf(TlsSetupException.class);
        }
        assertThatThrownBy(() -> Der.oidText(new byte[] {(byte) 0x81})).isInstanceOf(TlsSetupException.class);
    }

    @Test
    void derLengthsAndOids() throws Exception {
        byte[] big = new byte[300];
        byte[] tlv = Der.tlv(Der.OCTET_STRING, big);
        assertThat(tlv).startsWith(0x04, 0x82, 0x01, 0x2C);
        assertThat(Der.parse(tlv).content()).hasSize(300);
        assertThat(Der.oidText(new byte[] {0x2A, (byte) 0x86, 0x48, (byte) 0xCE, 0x3D, 0x02, 0x01}))
                .isEqualTo("1.2.840.10045.2.1");
    }
}
