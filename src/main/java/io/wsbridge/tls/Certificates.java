package io.wsbridge.tls;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/** Reads the certificates of a PEM file (a chain: the server's first, then its intermediates; or CAs). */
final class Certificates {
    private Certificates() {
    }

    static List<X509Certificate> read(Path file, String flag) throws TlsSetupException {
        String where = flag + " " + file;
        CertificateFactory factory;
        try {
            factory = CertificateFactory.getInstance("X.509");
        } catch (CertificateException e) {
            throw new IllegalStateException("X.509 is part of every JDK", e);
        }
        List<X509Certificate> out = new ArrayList<>();
        for (Pem.Block b : Pem.read(file, flag)) {
            if (!b.label().equals("CERTIFICATE")) {
                continue;
            }
            try {
                out.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(b.der())));
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
}
