package io.wsbridge.tls;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Just enough ASN.1 DER to re-wrap a PKCS#1 or SEC1 private key as PKCS#8 (the only form the JDK's
 * KeyFactory reads): reading the elements of a SEQUENCE, and writing tag-length-value triples. Anything
 * malformed is a {@link TlsSetupException} naming what was expected, never an index error.
 */
final class Der {
    static final int INTEGER = 0x02;
    static final int BIT_STRING = 0x03;
    static final int OCTET_STRING = 0x04;
    static final int NULL = 0x05;
    static final int OID = 0x06;
    static final int SEQUENCE = 0x30;
    /** [0] EXPLICIT, as SEC1 uses for the curve parameters. */
    static final int CONTEXT_0 = 0xA0;

    private Der() {
    }

    /** One element: its tag, and where its whole encoding and its content lie in {@code source}. */
    record Element(int tag, byte[] source, int start, int contentStart, int end) {
        byte[] encoded() {
            return java.util.Arrays.copyOfRange(source, start, end);
        }

        byte[] content() {
            return java.util.Arrays.copyOfRange(source, contentStart, end);
        }

        /** The elements inside a constructed element (SEQUENCE, [0], ...). */
        List<Element> children() throws TlsSetupException {
            return Der.elements(source, contentStart, end);
        }
    }

    /** The single element that {@code der} must consist of. */
    static Element parse(byte[] der) throws TlsSetupException {
        List<Element> all = elements(der, 0, der.length);
        if (all.size() != 1) {
            throw new TlsSetupException("not a single DER structure");
        }
        return all.get(0);
    }

    /** The consecutive elements between {@code from} and {@code to}. */
    static List<Element> elements(byte[] b, int from, int to) throws TlsSetupException {
        List<Element> out = new ArrayList<>();
        int i = from;
        while (i < to) {
            int start = i;
            int tag = b[i++] & 0xff;
            if ((tag & 0x1f) == 0x1f) {
                throw new TlsSetupException("unsupported multi-byte DER tag");
            }
            if (i >= to) {
                throw new TlsSetupException("truncated DER");
            }
            int first = b[i++] & 0xff;
            long length;
            if (first < 0x80) {
                length = first;
            } else {
                int bytes = first & 0x7f;
                if (bytes == 0 || bytes > 4 || i + bytes > to) {
                    throw new TlsSetupException("invalid DER length");
                }
                length = 0;
                for (int k = 0; k < bytes; k++) {
                    length = (length << 8) | (b[i++] & 0xff);
                }
            }
            if (length > to - i) {
                throw new TlsSetupException("truncated DER");
            }
            int end = i + (int) length;
            out.add(new Element(tag, b, start, i, end));
            i = end;
        }
        return out;
    }

    /** Tag, length and the concatenated contents. */
    static byte[] tlv(int tag, byte[]... contents) {
        int total = 0;
        for (byte[] c : contents) {
            total += c.length;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(total + 6);
        out.write(tag);
        if (total < 0x80) {
            out.write(total);
        } else {
            int bytes = total > 0xffffff ? 4 : total > 0xffff ? 3 : total > 0xff ? 2 : 1;
            out.write(0x80 | bytes);
            for (int k = bytes - 1; k >= 0; k--) {
                out.write(total >>> (8 * k));
            }
        }
        for (byte[] c : contents) {
            out.writeBytes(c);
        }
        return out.toByteArray();
    }

    /** An object identifier's content bytes in dotted form (for error messages and lookups). */
    static String oidText(byte[] content) throws TlsSetupException {
        if (content.length == 0) {
            throw new TlsSetupException("empty object identifier");
        }
        StringBuilder s = new StringBuilder();
        long value = 0;
        boolean firstArc = true;
        for (int i = 0; i < content.length; i++) {
            int b = content[i] & 0xff;
            if (value > (Long.MAX_VALUE >>> 7)) {
                throw new TlsSetupException("object identifier arc too large");
            }
            value = (value << 7) | (b & 0x7f);
            if ((b & 0x80) == 0) {
                if (firstArc) {
                    long top = value < 40 ? 0 : value < 80 ? 1 : 2;
                    s.append(top).append('.').append(value - top * 40);
                    firstArc = false;
                } else {
                    s.append('.').append(value);
                }
                value = 0;
            } else if (i == content.length - 1) {
                throw new TlsSetupException("truncated object identifier");
            }
        }
        return s.toString();
    }
}
