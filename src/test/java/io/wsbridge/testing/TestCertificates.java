package io.wsbridge.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.Socket;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Test certificates made with the real {@code openssl} command (as users make theirs), once per test JVM:
 * a root CA, an intermediate CA, server certificates for 127.0.0.1 with RSA and EC keys in every PEM key
 * form, client certificates (one from the root CA, one from an unrelated CA), and keys that are wrong in
 * various ways.
 */
public final class TestCertificates {
    private static TestCertificates shared;

    public final Path dir;
    public final Path caCert;
    /** RSA server certificate (signed by the root CA) and its key as PKCS#1 and PKCS#8. */
    public final Path rsaCert;
    public final Path rsaKeyPkcs1;
    public final Path rsaKeyPkcs8;
    /** EC (P-256) server certificate and its key as SEC1 (with an EC PARAMETERS block first) and PKCS#8. */
    public final Path ecCert;
    public final Path ecKeySec1;
    public final Path ecKeyPkcs8;
    /** Ed25519 server certificate and key (PKCS#8). */
    public final Path edCert;
    public final Path edKey;
    /** Server certificate signed by an intermediate CA: leaf then intermediate in one file. */
    public final Path chainCert;
    public final Path chainKey;
    /** Client certificates as PKCS#12 (password "test"): from the root CA, and from an unrelated CA. */
    public final Path clientP12;
    public final Path rogueClientP12;

    private TestCertificates(Path dir) {
        this.dir = dir;
        this.caCert = dir.resolve("ca.pem");
        this.rsaCert = dir.resolve("rsa.pem");
        this.rsaKeyPkcs1 = dir.resolve("rsa-pkcs1.key");
        this.rsaKeyPkcs8 = dir.resolve("rsa-pkcs8.key");
        this.ecCert = dir.resolve("ec.pem");
        this.ecKeySec1 = dir.resolve("ec-sec1.key");
        this.ecKeyPkcs8 = dir.resolve("ec-pkcs8.key");
        this.edCert = dir.resolve("ed.pem");
        this.edKey = dir.resolve("ed.key");
        this.chainCert = dir.resolve("chain.pem");
        this.chainKey = dir.resolve("leaf.key");
        this.clientP12 = dir.resolve("client.p12");
        this.rogueClientP12 = dir.resolve("rogue-client.p12");
    }

    /** The certificates, made on first use (a second or two of openssl) and removed when the JVM exits. */
    public static synchronized TestCertificates shared() {
        if (shared == null) {
            try {
                Path dir = Files.createTempDirectory("wsbridge-certs");
                Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
                TestCertificates c = new TestCertificates(dir);
                c.make();
                shared = c;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return shared;
    }

    private void make() {
        write("server.ext", "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n"
                + "basicConstraints=CA:FALSE\n");
        write("client.ext", "extendedKeyUsage=clientAuth\nbasicConstraints=CA:FALSE\n");
        write("ca.ext", "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n");
        selfSignedCa("ca", "wsbridge test CA");
        selfSignedCa("rogue-ca", "unrelated CA");
        // RSA server key: PKCS#1 from openssl, PKCS#8 converted by openssl.
        openssl("genrsa", "-traditional", "-out", "rsa-pkcs1.key", "2048");
        openssl("pkcs8", "-topk8", "-nocrypt", "-in", "rsa-pkcs1.key", "-out", "rsa-pkcs8.key");
        signed("rsa", "rsa-pkcs1.key", "ca", "server.ext");
        // EC server key: SEC1 (with its EC PARAMETERS block, as ecparam writes it) and PKCS#8.
        openssl("ecparam", "-name", "prime256v1", "-genkey", "-out", "ec-sec1.key");
        openssl("pkcs8", "-topk8", "-nocrypt", "-in", "ec-sec1.key", "-out", "ec-pkcs8.key");
        signed("ec", "ec-sec1.key", "ca", "server.ext");
        openssl("genpkey", "-algorithm", "Ed25519", "-out", "ed.key");
        signed("ed", "ed.key", "ca", "server.ext");
        // A chain: root -> intermediate -> leaf; the file holds leaf then intermediate.
        openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "intermediate.key");
        signed("intermediate", "intermediate.key", "ca", "ca.ext");
        openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "leaf.key");
        signed("leaf", "leaf.key", "intermediate", "server.ext");
        write("chain.pem", read("leaf.pem") + read("intermediate.pem"));
        // Clients.
        openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "client.key");
        signed("client", "client.key", "ca", "client.ext");
        openssl("pkcs12", "-export", "-in", "client.pem", "-inkey", "client.key", "-out", "client.p12",
                "-passout", "pass:test");
        openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "rogue-client.key");
        signed("rogue-client", "rogue-client.key", "rogue-ca", "client.ext");
        openssl("pkcs12", "-export", "-in", "rogue-client.pem", "-inkey", "rogue-client.key", "-out",
                "rogue-client.p12", "-passout", "pass:test");
    }

    private void selfSignedCa(String name, String cn) {
        openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", name + ".key");
        openssl("req", "-x509", "-new", "-key", name + ".key", "-subj", "/CN=" + cn, "-days", "3",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
                "-out", name + ".pem");
    }

    private void signed(String name, String key, String ca, String ext) {
        openssl("req", "-new", "-key", key, "-subj", "/CN=" + name, "-out", name + ".csr");
        openssl("x509", "-req", "-in", name + ".csr", "-CA", ca + ".pem", "-CAkey", ca + ".key", "-set_serial",
                Long.toString(System.nanoTime()), "-days", "3", "-extfile", ext, "-out", name + ".pem");
    }

    /** Runs openssl in the certificate directory; fails the test with its output if it fails. */
    public String openssl(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add("openssl");
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new AssertionError("openssl failed: " + cmd + "\n" + out);
            }
            return out;
        } catch (IOException e) {
            throw new AssertionError("cannot run openssl (install it: apt-get install openssl)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    public Path write(String name, String text) {
        try {
            return Files.writeString(dir.resolve(name), text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String read(String name) {
        try {
            return Files.readString(dir.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A client context trusting the test root CA, presenting {@code clientP12} when it is not null. */
    public SSLContext clientContext(Path clientP12) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(caCert)) {
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyManagerFactory kmf = null;
        if (clientP12 != null) {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(clientP12)) {
                keys.load(in, "test".toCharArray());
            }
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, "test".toCharArray());
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf == null ? null : new KeyManager[] {new AlwaysPresent(
                (X509ExtendedKeyManager) kmf.getKeyManagers()[0])}, tmf.getTrustManagers(), null);
        return context;
    }

    /**
     * Presents the client certificate whatever CAs the server asks for (the JDK would otherwise leave out a
     * certificate the server's CA list does not name, and the test would not be testing a foreign one).
     */
    private static final class AlwaysPresent extends X509ExtendedKeyManager {
        private final X509ExtendedKeyManager keys;
        private final String alias;

        AlwaysPresent(X509ExtendedKeyManager keys) {
            this.keys = keys;
            String[] ec = keys.getClientAliases("EC", null);
            this.alias = ec != null && ec.length > 0 ? ec[0] : keys.getClientAliases("RSA", null)[0];
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return alias;
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
            return alias;
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return new String[] {alias};
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return null;
        }

        @Override
        public X509Certificate[] getCertificateChain(String name) {
            return keys.getCertificateChain(name);
        }

        @Override
        public PrivateKey getPrivateKey(String name) {
            return keys.getPrivateKey(name);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // temporary files; nothing more to do at exit
        }
    }
}
