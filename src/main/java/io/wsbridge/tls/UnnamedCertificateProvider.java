package io.wsbridge.tls;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.Provider;
import java.security.Security;
import java.security.cert.CRL;
import java.security.cert.CRLException;
import java.security.cert.CertPath;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateFactorySpi;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;

/**
 * A JCA provider whose X.509 certificate factory is the JDK's, except that a certificate the JDK refuses only
 * for an empty issuer or subject comes back as an {@link UnnamedCertificate}. The JDK's TLS engine parses a
 * client's certificates with {@code CertificateFactory.getInstance("X.509")} and has no other hook, so under
 * --sslca this provider goes first in the process's provider list; nothing else changes (every certificate
 * the JDK accepts is the JDK's own object).
 */
final class UnnamedCertificateProvider extends Provider {
    private static final long serialVersionUID = 1L;
    static final String NAME = "wsbridge-x509";

    private UnnamedCertificateProvider() {
        super(NAME, "1.0", "X.509 certificates with an empty issuer or subject name (for wsbridge --sslca)");
        putService(new Service(this, "CertificateFactory", "X.509", Factory.class.getName(), List.of("X509"),
                null) {
            @Override
            public Object newInstance(Object constructorParameter) {
                return new Factory();
            }
        });
    }

    /** Puts the provider first, once per process. */
    static synchronized void install() {
        if (Security.getProvider(NAME) == null) {
            Security.insertProviderAt(new UnnamedCertificateProvider(), 1);
        }
    }

    static final class Factory extends CertificateFactorySpi {
        private final CertificateFactory jdk;

        Factory() {
            try {
                jdk = UnnamedCertificate.jdkFactory();
            } catch (CertificateException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public Certificate engineGenerateCertificate(InputStream in) throws CertificateException {
            if (!in.markSupported()) {
                return jdk.generateCertificate(in);
            }
            in.mark(Integer.MAX_VALUE);
            try {
                return jdk.generateCertificate(in);
            } catch (CertificateException refused) {
                Certificate unnamed;
                try {
                    in.reset();
                    unnamed = UnnamedCertificate.parseOrNull(oneDerElement(in));
                } catch (IOException | CertificateException | RuntimeException alsoRefused) {
                    refused.addSuppressed(alsoRefused);
                    throw refused;
                }
                if (unnamed == null) {
                    throw refused;
                }
                return unnamed;
            }
        }

        /** The bytes of the DER element at the stream's position (tag, length, content), and no more. */
        private static byte[] oneDerElement(InputStream in) throws IOException {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(next(in));
            int first = next(in);
            out.write(first);
            long length = first;
            if (first >= 0x80) {
                int bytes = first & 0x7f;
                if (bytes == 0 || bytes > 4) {
                    throw new IOException("invalid DER length");
                }
                length = 0;
                for (int k = 0; k < bytes; k++) {
                    int b = next(in);
                    out.write(b);
                    length = (length << 8) | b;
                }
            }
            if (length > 1 << 20) {
                throw new IOException("certificate larger than 1 MiB");
            }
            byte[] content = in.readNBytes((int) length);
            if (content.length != length) {
                throw new IOException("truncated DER");
            }
            out.writeBytes(content);
            return out.toByteArray();
        }

        private static int next(InputStream in) throws IOException {
            int b = in.read();
            if (b < 0) {
                throw new IOException("truncated DER");
            }
            return b;
        }

        @Override
        public Collection<? extends Certificate> engineGenerateCertificates(InputStream in)
                throws CertificateException {
            return jdk.generateCertificates(in);
        }

        @Override
        public CRL engineGenerateCRL(InputStream in) throws CRLException {
            return jdk.generateCRL(in);
        }

        @Override
        public Collection<? extends CRL> engineGenerateCRLs(InputStream in) throws CRLException {
            return jdk.generateCRLs(in);
        }

        @Override
        public CertPath engineGenerateCertPath(InputStream in) throws CertificateException {
            return jdk.generateCertPath(in);
        }

        @Override
        public CertPath engineGenerateCertPath(InputStream in, String encoding) throws CertificateException {
            return jdk.generateCertPath(in, encoding);
        }

        @Override
        public CertPath engineGenerateCertPath(List<? extends Certificate> certificates)
                throws CertificateException {
            return jdk.generateCertPath(certificates);
        }

        @Override
        public Iterator<String> engineGetCertPathEncodings() {
            return jdk.getCertPathEncodings();
        }
    }
}
