package io.wsbridge.tls;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * --sslca: whether a client's certificate chain leads to one of the given CAs. Chains the JDK can parse are
 * checked by the JDK's PKIX validator, as before. A chain holding an {@link UnnamedCertificate} cannot be:
 * the JDK's validator re-parses every certificate with its own parser. Those get the checks Go's verifier
 * (websocketd's) makes: dates, signatures up the chain, CA flag, key usage and path length of each issuer,
 * client-auth usage of the leaf, no unknown critical extension.
 */
final class ClientCertificateTrust extends X509ExtendedTrustManager {
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
    private static final String ANY_USAGE = "2.5.29.37.0";
    private static final int KEY_CERT_SIGN = 5;

    private final X509Certificate[] cas;
    /** The JDK's validator for the CAs it can parse; null when every CA is unnamed. */
    private final X509ExtendedTrustManager jdk;

    ClientCertificateTrust(List<X509Certificate> cas) throws GeneralSecurityException {
        this.cas = cas.toArray(new X509Certificate[0]);
        KeyStore anchors = KeyStore.getInstance("PKCS12");
        try {
            anchors.load(null, null);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("an empty key store needs no input", e);
        }
        int named = 0;
        for (X509Certificate ca : cas) {
            if (!(ca instanceof UnnamedCertificate)) {
                anchors.setCertificateEntry("ca" + named++, ca);
            }
        }
        X509ExtendedTrustManager found = null;
        if (named > 0) {
            TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
            factory.init(anchors);
            for (TrustManager m : factory.getTrustManagers()) {
                if (m instanceof X509ExtendedTrustManager x) {
                    found = x;
                }
            }
        }
        this.jdk = found;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        if (needsOwnCheck(chain)) {
            verify(chain, new Date());
        } else {
            jdk.checkClientTrusted(chain, authType, engine);
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        if (needsOwnCheck(chain)) {
            verify(chain, new Date());
        } else {
            jdk.checkClientTrusted(chain, authType, socket);
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        if (needsOwnCheck(chain)) {
            verify(chain, new Date());
        } else {
            jdk.checkClientTrusted(chain, authType);
        }
    }

    private boolean needsOwnCheck(X509Certificate[] chain) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException("no client certificate");
        }
        boolean unnamed = Arrays.stream(chain).anyMatch(c -> c instanceof UnnamedCertificate);
        if (!unnamed && jdk == null) {
            throw new CertificateException("client certificate '" + chain[0].getSubjectX500Principal().getName()
                    + "' is not signed by a CA in --sslca");
        }
        return unnamed;
    }

    /** Go's rules, in the order it applies them; the first that fails names the certificate. */
    void verify(X509Certificate[] chain, Date now) throws CertificateException {
        List<String> usage = chain[0].getExtendedKeyUsage();
        if (usage != null && !usage.contains(CLIENT_AUTH) && !usage.contains(ANY_USAGE)) {
            throw new CertificateException("client certificate " + describe(chain[0]) + " is not for client use "
                    + "(its extended key usage lacks clientAuth)");
        }
        for (int i = 0; i < chain.length; i++) {
            X509Certificate cert = chain[i];
            usable(cert, now);
            for (X509Certificate ca : cas) {
                if (Arrays.equals(ca.getEncoded(), cert.getEncoded()) || issues(ca, cert, i, now)) {
                    return;
                }
            }
            if (i + 1 == chain.length || !issues(chain[i + 1], cert, i, now)) {
                throw new CertificateException("client certificate " + describe(chain[0])
                        + " is not signed by a CA in --sslca");
            }
        }
    }

    /** Whether {@code ca} may sign and did sign {@code cert}, which has {@code below} CAs under it. */
    private static boolean issues(X509Certificate ca, X509Certificate cert, int below, Date now)
            throws CertificateException {
        if (!ca.getSubjectX500Principal().equals(cert.getIssuerX500Principal())) {
            return false;
        }
        try {
            cert.verify(ca.getPublicKey());
        } catch (GeneralSecurityException e) {
            return false;
        }
        usable(ca, now);
        boolean[] keyUsage = ca.getKeyUsage();
        if (ca.getBasicConstraints() < 0 || (keyUsage != null && !keyUsage[KEY_CERT_SIGN])) {
            throw new CertificateException(describe(ca) + " signed a client certificate but is not a CA");
        }
        if (ca.getBasicConstraints() < below) {
            throw new CertificateException(describe(ca) + " has a path length limit of "
                    + ca.getBasicConstraints() + ", exceeded by the client's chain");
        }
        return true;
    }

    private static void usable(X509Certificate cert, Date now) throws CertificateException {
        cert.checkValidity(now);
        if (cert.hasUnsupportedCriticalExtension()) {
            throw new CertificateException(describe(cert) + " has an unsupported critical extension");
        }
    }

    private static String describe(X509Certificate cert) {
        return "'" + cert.getSubjectX500Principal().getName() + "' (serial "
                + cert.getSerialNumber().toString(16) + ")";
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return cas.clone();
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("a server does not check server certificates");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        checkServerTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        checkServerTrusted(chain, authType);
    }
}
