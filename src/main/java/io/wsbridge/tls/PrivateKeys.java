package io.wsbridge.tls;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a PEM private key in any of the three forms openssl writes: PKCS#8 ("BEGIN PRIVATE KEY"), PKCS#1
 * ("BEGIN RSA PRIVATE KEY") and SEC1 ("BEGIN EC PRIVATE KEY"). The JDK only reads PKCS#8, so the other two
 * are wrapped into a PKCS#8 structure first (RFC 5208: version, algorithm identifier, the key as an OCTET
 * STRING), which is all the conversion there is. Encrypted keys are refused with a hint.
 */
final class PrivateKeys {
    private static final String RSA = "1.2.840.113549.1.1.1";
    private static final String RSA_PSS = "1.2.840.113549.1.1.10";
    private static final String EC = "1.2.840.10045.2.1";
    private static final String ED25519 = "1.3.101.112";
    private static final String ED448 = "1.3.101.113";
    /** DER of rsaEncryption's OID (content only). */
    private static final byte[] RSA_OID = {0x2A, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xF7, 0x0D, 0x01, 0x01, 0x01};
    /** DER of id-ecPublicKey's OID (content only). */
    private static final byte[] EC_OID = {0x2A, (byte) 0x86, 0x48, (byte) 0xCE, 0x3D, 0x02, 0x01};
    private static final byte[] VERSION_0 = Der.tlv(Der.INTEGER, new byte[] {0});

    private PrivateKeys() {
    }

    static PrivateKey read(Path file, String flag) throws TlsSetupException {
        String where = flag + " " + file;
        List<Pem.Block> keys = new ArrayList<>();
        for (Pem.Block b : Pem.read(file, flag)) {
            if (b.label().endsWith("PRIVATE KEY")) {
                keys.add(b);
            }
        }
        if (keys.isEmpty()) {
            throw new TlsSetupException(where + ": no private key found (expected a PEM block 'BEGIN PRIVATE KEY', "
                    + "'BEGIN RSA PRIVATE KEY' or 'BEGIN EC PRIVATE KEY')");
        }
        if (keys.size() > 1) {
            throw new TlsSetupException(where + ": " + keys.size() + " private keys found; give exactly one");
        }
        return fromBlock(keys.get(0), where);
    }

    static PrivateKey fromBlock(Pem.Block block, String where) throws TlsSetupException {
        if (block.encrypted()) {
            throw new TlsSetupException(where + ": the private key is encrypted; wsbridge needs it unencrypted "
                    + "(openssl pkey -in KEY -out KEY.plain)");
        }
        try {
            return switch (block.label()) {
                case "PRIVATE KEY" -> fromPkcs8(block.der());
                case "RSA PRIVATE KEY" -> fromPkcs8(pkcs1ToPkcs8(block.der()));
                case "EC PRIVATE KEY" -> fromPkcs8(sec1ToPkcs8(block.der()));
                default -> throw new TlsSetupException("unsupported key type 'BEGIN " + block.label() + "'");
            };
        } catch (TlsSetupException e) {
            throw new TlsSetupException(where + ": " + e.getMessage(), e);
        }
    }

    /** PKCS#1 RSAPrivateKey -> PKCS#8 with algorithm rsaEncryption (parameters NULL). */
    static byte[] pkcs1ToPkcs8(byte[] pkcs1) throws TlsSetupException {
        Der.Element key = Der.parse(pkcs1);
        if (key.tag() != Der.SEQUENCE) {
            throw new TlsSetupException("not a PKCS#1 RSA private key");
        }
        byte[] algorithm = Der.tlv(Der.SEQUENCE, Der.tlv(Der.OID, RSA_OID), Der.tlv(Der.NULL));
        return Der.tlv(Der.SEQUENCE, VERSION_0, algorithm, Der.tlv(Der.OCTET_STRING, pkcs1));
    }

    /**
     * SEC1 ECPrivateKey (version 1, the key, [0] the curve, [1] the public key) -> PKCS#8 with algorithm
     * id-ecPublicKey and the curve's OID as parameter. Only named curves: explicit parameters are refused.
     */
    static byte[] sec1ToPkcs8(byte[] sec1) throws TlsSetupException {
        Der.Element key = Der.parse(sec1);
        if (key.tag() != Der.SEQUENCE) {
            throw new TlsSetupException("not a SEC1 EC private key");
        }
        List<Der.Element> fields = key.children();
        if (fields.size() < 2 || fields.get(0).tag() != Der.INTEGER || fields.get(1).tag() != Der.OCTET_STRING) {
            throw new TlsSetupException("not a SEC1 EC private key");
        }
        byte[] version = fields.get(0).content();
        if (version.length != 1 || version[0] != 1) {
            throw new TlsSetupException("unsupported SEC1 EC private key version");
        }
        byte[] curve = null;
        for (Der.Element f : fields.subList(2, fields.size())) {
            if (f.tag() == Der.CONTEXT_0) {
                List<Der.Element> params = f.children();
                if (params.size() != 1 || params.get(0).tag() != Der.OID) {
                    throw new TlsSetupException("EC key with explicit curve parameters; only named curves are "
                            + "supported (openssl ec -param_enc named_curve)");
                }
                curve = params.get(0).encoded();
            }
        }
        if (curve == null) {
            throw new TlsSetupException("EC key without its curve (no parameters in the SEC1 structure)");
        }
        byte[] algorithm = Der.tlv(Der.SEQUENCE, Der.tlv(Der.OID, EC_OID), curve);
        return Der.tlv(Der.SEQUENCE, VERSION_0, algorithm, Der.tlv(Der.OCTET_STRING, sec1));
    }

    /** A PKCS#8 PrivateKeyInfo, with the KeyFactory chosen from its algorithm identifier. */
    static PrivateKey fromPkcs8(byte[] pkcs8) throws TlsSetupException {
        Der.Element info = Der.parse(pkcs8);
        List<Der.Element> fields = info.tag() == Der.SEQUENCE ? info.children() : List.of();
        if (fields.size() < 3 || fields.get(0).tag() != Der.INTEGER || fields.get(1).tag() != Der.SEQUENCE
                || fields.get(2).tag() != Der.OCTET_STRING) {
            throw new TlsSetupException("not a PKCS#8 private key");
        }
        List<Der.Element> algorithm = fields.get(1).children();
        if (algorithm.isEmpty() || algorithm.get(0).tag() != Der.OID) {
            throw new TlsSetupException("not a PKCS#8 private key (no algorithm)");
        }
        String oid = Der.oidText(algorithm.get(0).content());
        String factory = switch (oid) {
            case RSA -> "RSA";
            case RSA_PSS -> "RSASSA-PSS";
            case EC -> "EC";
            case ED25519 -> "Ed25519";
            case ED448 -> "Ed448";
            default -> throw new TlsSetupException("unsupported key algorithm " + oid
                    + " (RSA, EC, Ed25519 and Ed448 keys are supported)");
        };
        try {
            return KeyFactory.getInstance(factory).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new TlsSetupException("not a valid " + factory + " private key: " + e.getMessage(), e);
        }
    }

    /**
     * Whether {@code key} is the private half of {@code publicKey}: a test signature must verify. Catching a
     * mismatched pair here turns a confusing handshake failure at the first connection into a start-up error.
     */
    static boolean matches(PrivateKey key, PublicKey publicKey) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "Ed448", "EdDSA" -> key.getAlgorithm();
            default -> null;
        };
        if (algorithm == null || !key.getAlgorithm().equals(publicKey.getAlgorithm())) {
            return algorithm == null; // what we cannot check is left to the handshake
        }
        try {
            byte[] probe = "wsbridge key check".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }
}
