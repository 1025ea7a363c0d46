package io.wsbridge.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wsbridge.testing.TestCertificates;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The checks made for client chains the JDK's validator cannot take (certificates with an empty name), with
 * certificates made by openssl: each rule is shown to refuse, next to a chain that passes.
 */
@Timeout(120)
class ClientCertificateTrustTest {
    private static final TestCertificates certs = TestCertificates.shared();

    private static void key(String name) {
        certs.openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", name + ".key");
    }

    private static void root(String name, String constraints) {
        key(name);
        certs.openssl("req", "-x509", "-new", "-key", name + ".key", "-subj", "/", "-days", "2",
                "-addext", "basicConstraints=critical," + constraints, "-addext", "keyUsage=critical,keyCertSign",
                "-out", name + ".pem");
    }

    private static void issued(String name, String issuer, String extensions) {
        key(name);
        certs.openssl("req", "-new", "-key", name + ".key", "-subj", "/", "-out", name + ".csr");
        certs.write(name + ".ext", extensions.replace(';', '\n') + "\n");
        certs.openssl("x509", "-req", "-in", name + ".csr", "-CA", issuer + ".pem", "-CAkey", issuer + ".key",
                "-set_serial", "11", "-days", "2", "-extfile", name + ".ext", "-out", name + ".pem");
    }

    @BeforeAll
    static void make() {
        String client = "subjectAltName=email:c@example.test;extendedKeyUsage=clientAuth";
        root("t-root", "CA:TRUE");
        root("t-root0", "CA:TRUE,pathlen:0");
        issued("t-leaf", "t-root", client);
        issued("t-server-only", "t-root", "subjectAltName=email:c@example.test;extendedKeyUsage=serverAuth");
        issued("t-mid", "t-root", "basicConstraints=critical,CA:TRUE;keyUsage=critical,keyCertSign");
        issued("t-mid-leaf", "t-mid", client);
        issued("t-mid0", "t-root0", "basicConstraints=critical,CA:TRUE;keyUsage=critical,keyCertSign");
        issued("t-mid0-leaf", "t-mid0", client);
        issued("t-notca", "t-root", "basicConstraints=critical,CA:FALSE;subjectAltName=email:x@example.test");
        issued("t-notca-leaf", "t-notca", client);
    }

    private static List<X509Certificate> read(String... names) throws Exception {
        List<X509Certificate> out = new ArrayList<>();
        for (String n : names) {
            out.addAll(Certificates.read(certs.dir.resolve(n + ".pem"), "--test"));
        }
        return out;
    }

    private static void verify(List<X509Certificate> cas, Date when, String... chain) throws Exception {
        new ClientCertificateTrust(cas).verify(read(chain).toArray(new X509Certificate[0]), when);
    }

    @Test
    void theseAreUnnamedCertificatesTheJdkCannotParse() throws Exception {
        assertThat(read("t-root", "t-leaf", "t-mid")).allMatch(c -> c instanceof UnnamedCertificate);
    }

    @Test
    void aChainToACaPassesAndEveryBrokenRuleRefusesIt() throws Exception {
        Date now = new Date();
        verify(read("t-root"), now, "t-leaf");
        verify(read("t-root"), now, "t-mid-leaf", "t-mid");
        verify(read("t-root0"), now, "t-mid0"); // a CA's own certificate as client: no CA below the root
        assertThatThrownBy(() -> verify(read("t-root0"), now, "t-leaf")).isInstanceOf(CertificateException.class)
                .hasMessageContaining("not signed by a CA in --sslca"); // same empty name, another key
        assertThatThrownBy(() -> verify(read("t-root"), now, "t-mid-leaf")).isInstanceOf(CertificateException.class)
                .hasMessageContaining("not signed by a CA in --sslca"); // the intermediate is missing
        assertThatThrownBy(() -> verify(read("t-root0"), now, "t-mid0-leaf", "t-mid0"))
                .hasMessageContaining("path length limit of 0");
        assertThatThrownBy(() -> verify(read("t-root"), now, "t-notca-leaf", "t-notca"))
                .hasMessageContaining("is not a CA");
        assertThatThrownBy(() -> verify(read("t-root"), now, "t-server-only"))
                .hasMessageContaining("not for client use");
        Date later = new Date(now.getTime() + 3L * 24 * 3600 * 1000);
        assertThatThrownBy(() -> verify(read("t-root"), later, "t-leaf"))
                .isInstanceOf(java.security.cert.CertificateExpiredException.class);
    }
}
