package io.wsbridge.auth;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * --tokenfile: bearer tokens, one a line ({@code #} comments): {@code TOKEN}, {@code NAME:TOKEN} (NAME becomes
 * REMOTE_USER), or {@code sha256:HEX} / {@code NAME:sha256:HEX} to keep only the token's SHA-256 in the file.
 * Only digests are kept in memory, and a presented token is compared with every one of them in constant time, so
 * neither the time taken nor an early exit tells how close a guess was.
 */
final class TokenFile {
    /** Short tokens are guessable: refused at load. */
    static final int MIN_LENGTH = 16;

    private record Entry(String name, byte[] digest) {
    }

    private final List<Entry> entries;

    private TokenFile(List<Entry> entries) {
        this.entries = entries;
    }

    static TokenFile read(Path file) throws AuthFileException {
        List<Entry> entries = new ArrayList<>();
        AuthFileLines.forEach(file, (line, at) -> {
            String name = "";
            String rest = line;
            int colon = line.indexOf(':');
            if (colon > 0 && !line.startsWith("sha256:")) {
                name = line.substring(0, colon);
                rest = line.substring(colon + 1);
            }
            byte[] digest;
            if (rest.startsWith("sha256:")) {
                try {
                    digest = HexFormat.of().parseHex(rest.substring(7));
                } catch (IllegalArgumentException e) {
                    throw new AuthFileException(at + "sha256: must be followed by 64 hex digits");
                }
                if (digest.length != 32) {
                    throw new AuthFileException(at + "sha256: must be followed by 64 hex digits");
                }
            } else {
                if (rest.length() < MIN_LENGTH) {
                    throw new AuthFileException(at + "token shorter than " + MIN_LENGTH + " characters");
                }
                if (!rest.chars().allMatch(TokenFile::tokenChar)) {
                    throw new AuthFileException(at + "tokens are letters, digits and -._~+/=");
                }
                digest = sha256(rest);
            }
            entries.add(new Entry(name, digest));
        });
        return new TokenFile(List.copyOf(entries));
    }

    /** RFC 6750's b64token characters: what fits in a header, a query and a subprotocol name alike. */
    static boolean tokenChar(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
                || c == '_' || c == '~' || c == '+' || c == '/' || c == '=';
    }

    /** The name of the matching entry ("" when it has none), or null when none matches. */
    String verify(String token) {
        byte[] presented = sha256(token);
        String found = null;
        for (Entry e : entries) {
            if (MessageDigest.isEqual(e.digest, presented) && found == null) {
                found = e.name;
            }
        }
        return found;
    }

    int size() {
        return entries.size();
    }

    static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
