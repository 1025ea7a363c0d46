package io.wsbridge.tls;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.security.NoSuchProviderException;
import java.security.Principal;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.spec.PSSParameterSpec;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Set;
import javax.security.auth.x500.X500Principal;

/**
 * A certificate whose issuer or subject is the empty name (openssl {@code -subj "/"}), which the JDK's parser
 * refuses (an empty issuer always, an empty subject unless a critical subjectAltName is present) but which
 * Go, OpenSSL and browsers accept. The JDK parses a stand-in: the same DER with each empty name replaced by a
 * placeholder; everything but the names, the encoding and the signature check comes from that parse (key,
 * dates, extensions). The names, the bytes sent on the wire and the signature check are the original's, so
 * the TLS engine sends exactly the user's certificate and a signature over the placeholder never counts.
 */
final class UnnamedCertificate extends X509Certificate {
    /** CN=wsbridge-empty-name: any non-empty name makes the JDK parse the rest; this one is never shown. */
    private static final byte[] PLACEHOLDER = Der.tlv(Der.SEQUENCE, Der.tlv(0x31, Der.tlv(Der.SEQUENCE,
            Der.tlv(Der.OID, new byte[] {0x55, 0x04, 0x03}),
            Der.tlv(0x0C, "wsbridge-empty-name".getBytes(java.nio.charset.StandardCharsets.US_ASCII)))));

    private final byte[] encoded;
    private final byte[] tbs;
    private final X509Certificate standIn;
    private final X500Principal issuer;
    private final X500Principal subject;

    private UnnamedCertificate(byte[] encoded, byte[] tbs, X509Certificate standIn, X500Principal issuer,
            X500Principal subject) {
        this.encoded = encoded;
        this.tbs = tbs;
        this.standIn = standIn;
        this.issuer = issuer;
        this.subject = subject;
    }

    /**
     * The certificate in {@code der} if its issuer or subject is empty and the rest parses; null when both
     * names are present (the JDK's refusal then has another reason, and stands).
     */
    static X509Certificate parseOrNull(byte[] der) throws CertificateException {
        List<Der.Element> cert;
        List<Der.Element> fields;
        try {
            Der.Element outer = Der.parse(der);
            cert = outer.tag() == Der.SEQUENCE ? outer.children() : List.of();
            if (cert.size() != 3 || cert.get(0).tag() != Der.SEQUENCE) {
                return null;
            }
            fields = cert.get(0).children();
        } catch (TlsSetupException e) {
            return null;
        }
        int issuerAt = !fields.isEmpty() && fields.get(0).tag() == Der.CONTEXT_0 ? 3 : 2;
        int subjectAt = issuerAt + 2;
        if (fields.size() <= subjectAt) {
            return null;
        }
        boolean emptyIssuer = isEmptyName(fields.get(issuerAt));
        boolean emptySubject = isEmptyName(fields.get(subjectAt));
        if (!emptyIssuer && !emptySubject) {
            return null;
        }
        byte[][] tbsParts = new byte[fields.size()][];
        for (int i = 0; i < fields.size(); i++) {
            boolean replace = (i == issuerAt && emptyIssuer) || (i == subjectAt && emptySubject);
            tbsParts[i] = replace ? PLACEHOLDER : fields.get(i).encoded();
        }
        byte[] standInDer = Der.tlv(Der.SEQUENCE, Der.tlv(Der.SEQUENCE, tbsParts), cert.get(1).encoded(),
                cert.get(2).encoded());
        X509Certificate standIn = (X509Certificate) jdkFactory()
                .generateCertificate(new ByteArrayInputStream(standInDer));
        return new UnnamedCertificate(der.clone(), cert.get(0).encoded(), standIn,
                new X500Principal(fields.get(issuerAt).encoded()), new X500Principal(fields.get(subjectAt).encoded()));
    }

    private static boolean isEmptyName(Der.Element name) {
        return name.tag() == Der.SEQUENCE && name.end() == name.contentStart();
    }

    /** The JDK's own X.509 parser, by name: a lenient factory ahead of it in the provider list is not asked. */
    static CertificateFactory jdkFactory() throws CertificateException {
        try {
            return CertificateFactory.getInstance("X.509", "SUN");
        } catch (NoSuchProviderException e) {
            throw new CertificateException("the JDK's SUN provider is missing", e);
        }
    }

    @Override
    public byte[] getEncoded() {
        return encoded.clone();
    }

    @Override
    public byte[] getTBSCertificate() {
        return tbs.clone();
    }

    @Override
    public X500Principal getIssuerX500Principal() {
        return issuer;
    }

    @Override
    public X500Principal getSubjectX500Principal() {
        return subject;
    }

    @SuppressWarnings("deprecation")
    @Override
    public Principal getIssuerDN() {
        return issuer;
    }

    @SuppressWarnings("deprecation")
    @Override
    public Principal getSubjectDN() {
        return subject;
    }

    @Override
    public void verify(PublicKey key) throws CertificateException, NoSuchAlgorithmException, InvalidKeyException,
            SignatureException {
        verify(key, (Provider) null);
    }

    @Override
    public void verify(PublicKey key, String sigProvider) throws CertificateException, NoSuchAlgorithmException,
            InvalidKeyException, NoSuchProviderException, SignatureException {
        verify(key, sigProvider == null ? null : java.security.Security.getProvider(sigProvider));
    }

    /** The signature over the original TBS bytes (the stand-in's would be over the placeholder). */
    @Override
    public void verify(PublicKey key, Provider sigProvider) throws CertificateException, NoSuchAlgorithmException,
            InvalidKeyException, SignatureException {
        String algorithm = getSigAlgName();
        Signature signature = sigProvider == null ? Signature.getInstance(algorithm)
                : Signature.getInstance(algorithm, sigProvider);
        signature.initVerify(key);
        byte[] params = getSigAlgParams();
        if (params != null && algorithm.equalsIgnoreCase("RSASSA-PSS")) {
            try {
                AlgorithmParameters p = AlgorithmParameters.getInstance("RSASSA-PSS");
                p.init(params);
                signature.setParameter(p.getParameterSpec(PSSParameterSpec.class));
            } catch (GeneralSecurityException | java.io.IOException e) {
                throw new SignatureException("bad RSASSA-PSS parameters", e);
            }
        }
        signature.update(tbs);
        if (!signature.verify(getSignature())) {
            throw new SignatureException("signature does not verify");
        }
    }

    @Override
    public String toString() {
        return "X.509 certificate, subject '" + subject.getName() + "', issuer '" + issuer.getName()
                + "', serial " + getSerialNumber().toString(16);
    }

    // Everything else is the stand-in's: the same bytes apart from the names.

    @Override
    public void checkValidity() throws CertificateExpiredException, CertificateNotYetValidException {
        standIn.checkValidity();
    }

    @Override
    public void checkValidity(Date date) throws CertificateExpiredException, CertificateNotYetValidException {
        standIn.checkValidity(date);
    }

    @Override
    public int getVersion() {
        return standIn.getVersion();
    }

    @Override
    public BigInteger getSerialNumber() {
        return standIn.getSerialNumber();
    }

    @Override
    public Date getNotBefore() {
        return standIn.getNotBefore();
    }

    @Override
    public Date getNotAfter() {
        return standIn.getNotAfter();
    }

    @Override
    public byte[] getSignature() {
        return standIn.getSignature();
    }

    @Override
    public String getSigAlgName() {
        return standIn.getSigAlgName();
    }

    @Override
    public String getSigAlgOID() {
        return standIn.getSigAlgOID();
    }

    @Override
    public byte[] getSigAlgParams() {
        return standIn.getSigAlgParams();
    }

    @Override
    public boolean[] getIssuerUniqueID() {
        return standIn.getIssuerUniqueID();
    }

    @Override
    public boolean[] getSubjectUniqueID() {
        return standIn.getSubjectUniqueID();
    }

    @Override
    public boolean[] getKeyUsage() {
        return standIn.getKeyUsage();
    }

    @Override
    public List<String> getExtendedKeyUsage() throws CertificateParsingException {
        return standIn.getExtendedKeyUsage();
    }

    @Override
    public int getBasicConstraints() {
        return standIn.getBasicConstraints();
    }

    @Override
    public Collection<List<?>> getSubjectAlternativeNames() throws CertificateParsingException {
        return standIn.getSubjectAlternativeNames();
    }

    @Override
    public Collection<List<?>> getIssuerAlternativeNames() throws CertificateParsingException {
        return standIn.getIssuerAlternativeNames();
    }

    @Override
    public PublicKey getPublicKey() {
        return standIn.getPublicKey();
    }

    @Override
    public boolean hasUnsupportedCriticalExtension() {
        return standIn.hasUnsupportedCriticalExtension();
    }

    @Override
    public Set<String> getCriticalExtensionOIDs() {
        return standIn.getCriticalExtensionOIDs();
    }

    @Override
    public Set<String> getNonCriticalExtensionOIDs() {
        return standIn.getNonCriticalExtensionOIDs();
    }

    @Override
    public byte[] getExtensionValue(String oid) {
        return standIn.getExtensionValue(oid);
    }
}
