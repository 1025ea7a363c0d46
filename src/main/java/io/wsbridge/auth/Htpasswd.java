package io.wsbridge.auth;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.springframework.security.crypto.bcrypt.BCrypt;

/**
 * An htpasswd file (Apache's format: {@code user:hash} per line, {@code #} comments): bcrypt
 * ({@code $2y$}, {@code $2a$}, {@code $2b$}, made by {@code htpasswd -B}) and {@code {SHA}} (base64 of SHA-1,
 * {@code htpasswd -s}). Plaintext and the other kinds (Apache's MD5 {@code $apr1$}, crypt) are refused with the
 * line, rather than silently never matching.
 */
final class Htpasswd {
    /** A bcrypt hash of a password nobody has: checked for unknown users, so they take as long as known ones. */
    private static final String DUMMY = "$2y$10$" + "abcdefghijklmnopqrstuu" + "0000000000000000000000000000000";

    private final Map<String, String> hashes;

    private Htpasswd(Map<String, String> hashes) {
        this.hashes = hashes;
    }

    static Htpasswd read(Path file) throws AuthFileException {
        Map<String, String> hashes = new HashMap<>();
        AuthFileLines.forEach(file, (line, at) -> {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new AuthFileException(at + "expected USER:HASH");
            }
            String user = line.substring(0, colon);
            String hash = line.substring(colon + 1);
            String problem = problem(hash);
            if (problem != null) {
                throw new AuthFileException(at + "user '" + user + "': " + problem);
            }
            if (hashes.put(user, hash) != null) {
                throw new AuthFileException(at + "user '" + user + "' is listed twice");
            }
        });
        return new Htpasswd(hashes);
    }

    /** Why a hash cannot be used, or null. */
    static String problem(String hash) {
        if (hash.startsWith("$2y$") || hash.startsWith("$2a$") || hash.startsWith("$2b$")) {
            return hash.length() == 60 && hash.charAt(6) == '$' && Character.isDigit(hash.charAt(4))
                    && Character.isDigit(hash.charAt(5)) ? null : "malformed bcrypt hash";
        }
        if (hash.startsWith("{SHA}")) {
            try {
                return Base64.getDecoder().decode(hash.substring(5)).length == 20 ? null : "malformed {SHA} hash";
            } catch (IllegalArgumentException e) {
                return "malformed {SHA} hash";
            }
        }
        if (hash.startsWith("$apr1$")) {
            return "Apache MD5 ($apr1$) hashes are not supported; use bcrypt (htpasswd -B)";
        }
        if (hash.startsWith("$")) {
            return "unknown hash kind '" + hash.substring(0, Math.min(hash.length(), hash.indexOf('$', 1) + 1))
                    + "'; use bcrypt (htpasswd -B)";
        }
        return "plaintext or crypt() passwords are not accepted; use bcrypt (htpasswd -B)";
    }

    /** Slow for bcrypt (by design): call off the event loop. Constant-time comparison either way. */
    boolean verify(String user, String password) {
        String hash = hashes.get(user);
        if (hash == null) {
            checkBcrypt(password, DUMMY);
            return false;
        }
        if (hash.startsWith("{SHA}")) {
            byte[] expected = Base64.getDecoder().decode(hash.substring(5));
            return MessageDigest.isEqual(expected, sha1(password));
        }
        return checkBcrypt(password, hash);
    }

    boolean hasUser(String user) {
        return hashes.containsKey(user);
    }

    /** The stored hash (the verified-credentials cache is keyed on it, so a changed password invalidates it). */
    String hashOf(String user) {
        return hashes.get(user);
    }

    int size() {
        return hashes.size();
    }

    private static boolean checkBcrypt(String password, String hash) {
        try {
            return BCrypt.checkpw(password, hash);
        } catch (IllegalArgumentException e) {
            return false; // e.g. a password beyond bcrypt's 72 bytes
        }
    }

    private static byte[] sha1(String password) {
        try {
            return MessageDigest.getInstance("SHA-1").digest(password.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
