package io.wsbridge.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Reads the "-----BEGIN X-----" ... "-----END X-----" blocks of a PEM file (RFC 7468), whatever is around
 * them (openssl often writes text before a certificate). Legacy RFC 1421 header lines inside a block
 * ("Proc-Type: 4,ENCRYPTED") are kept so that encrypted keys can be recognised and refused clearly.
 */
final class Pem {
    /** Largest file we read: certificate chains are a few KiB; this stops a mistaken path to a huge file. */
    private static final long MAX_FILE_BYTES = 1 << 20;

    /** One block: its label (e.g. "CERTIFICATE"), legacy header lines, and the decoded bytes. */
    record Block(String label, List<String> headers, byte[] der) {
        boolean encrypted() {
            return label.startsWith("ENCRYPTED") || headers.stream().anyMatch(h -> h.contains("ENCRYPTED"));
        }
    }

    private Pem() {
    }

    static List<Block> read(Path file, String flag) throws TlsSetupException {
        String text;
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw new TlsSetupException(flag + " " + file + ": larger than 1 MiB, not a PEM file");
            }
            text = Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new TlsSetupException(flag + " " + file + ": cannot read: " + e.getMessage(), e);
        }
        return parse(text, flag + " " + file);
    }

    /** @param where names the file in error messages */
    static List<Block> parse(String text, String where) throws TlsSetupException {
        List<Block> blocks = new ArrayList<>();
        String[] lines = text.split("\r?\n|\r");
        String label = null;
        List<String> headers = null;
        StringBuilder base64 = null;
        for (String raw : lines) {
            String line = raw.strip();
            if (label == null) {
                if (line.startsWith("-----BEGIN ") && line.endsWith("-----")) {
                    label = line.substring(11, line.length() - 5).strip();
                    headers = new ArrayList<>();
                    base64 = new StringBuilder();
                }
                continue;
            }
            if (line.startsWith("-----END ")) {
                String end = line.endsWith("-----") ? line.substring(9, line.length() - 5).strip() : "";
                if (!end.equals(label)) {
                    throw new TlsSetupException(where + ": BEGIN " + label + " ends with '" + line + "'");
                }
                byte[] der;
                try {
                    der = Base64.getDecoder().decode(base64.toString());
                } catch (IllegalArgumentException e) {
                    throw new TlsSetupException(where + ": the " + label + " block is not valid base64");
                }
                blocks.add(new Block(label, List.copyOf(headers), der));
                label = null;
            } else if (line.contains(":")) {
                headers.add(line);
            } else {
                base64.append(line);
            }
        }
        if (label != null) {
            throw new TlsSetupException(where + ": the " + label + " block has no END line");
        }
        return blocks;
    }
}
