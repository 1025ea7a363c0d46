package io.wsbridge.tls;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/** Reads the certificates of a PEM file (a chain: the server's first, then its intermediates; or CAs). */
final class Certificates {
    private Certificates() {
    }

    static List<X509Certificate> read(Path file, String flag) throws TlsSetupException {
        String where = flag + " " + file;
        List<X509Certificate> out = new ArrayList<>();
        for (Pem.Block b : Pem.read(file, flag)) {
            if (!b.label().equals("CERTIFICATE")) {
                continue;
            }
            try {
                out.add(parse(b.der()));
            } catch (CertificateException | RuntimeException e) {
                throw new TlsSetupException(where + ": certificate " + (out.size() + 1)
                        + " is not a valid X.509 certificate (" + e.getMessage() + ")", e);
            }
        }
        if (out.isEmpty()) {
            throw new TlsSetupException(where + ": no certificate found (expected a PEM block "
                    + "'BEGIN CERTIFICATE')");
        }
        return out;
    }

    /**
     * One DER certificate: the JDK's parse, or for a certificate the JDK refuses only for an empty issuer or
     * subject, an {@link UnnamedCertificate} (Go and OpenSSL accept those, and websocketd users have them).
     */
    static X509Certificate parse(byte[] der) throws CertificateException {
        try {
            return (X509Certificate) UnnamedCertificate.jdkFactory().generateCertificate(new ByteArrayInputStream(der));
        } catch (CertificateException refused) {
            X509Certificate unnamed;
            try {
                unnamed = UnnamedCertificate.parseOrNull(der);
            } catch (CertificateException | RuntimeException alsoRefused) {
                refused.addSuppressed(alsoRefused);
                throw refused;
            }
            if (unnamed == null) {
                throw refused;
            }
            return unnamed;
        }
    }
}
