package io.wsbridge.roombus;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the room bus is: {@code redis://[[USER]:PASSWORD@]HOST[:PORT][/DB]} or {@code rediss://...} (TLS), the
 * password possibly from a file instead. Parsed and checked here, without any Redis class, so that a bad value
 * is a clear start-up error and the client library is only loaded once a bus is actually used.
 *
 * @param tls      rediss://
 * @param host     host name or address (IPv6 without brackets)
 * @param port     TCP port (6379 when not given)
 * @param database logical database number (0 when not given)
 * @param user     ACL user name, or null (the default user)
 * @param password password, or null for none
 */
public record BusAddress(boolean tls, String host, int port, int database, String user, String password) {
    static final int DEFAULT_PORT = 6379;

    /** Thrown for a value that is not a usable bus address; the message names the problem, never the password. */
    public static final class InvalidAddressException extends Exception {
        InvalidAddressException(String message) {
            super(message);
        }
    }

    /**
     * Parses a URL. A password in the URL is allowed; {@code passwordFile}, when not null, supplies it instead
     * (the file's first line, for secrets kept out of the process list).
     */
    public static BusAddress parse(String url, Path passwordFile) throws InvalidAddressException {
        if (url == null || url.isBlank()) {
            throw new InvalidAddressException("empty address; expected redis://HOST:PORT[/DB]");
        }
        boolean tls;
        String rest;
        if (url.startsWith("redis://")) {
            tls = false;
            rest = url.substring("redis://".length());
        } else if (url.startsWith("rediss://")) {
            tls = true;
            rest = url.substring("rediss://".length());
        } else {
            throw new InvalidAddressException("'" + redact(url) + "' is not a redis:// or rediss:// URL");
        }
        String user = null;
        String password = null;
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            String info = rest.substring(0, at);
            rest = rest.substring(at + 1);
            int colon = info.indexOf(':');
            if (colon < 0) {
                // redis://PASSWORD@host is how several Redis clients spell a password without a user.
                password = decode(info);
            } else {
                user = info.substring(0, colon).isEmpty() ? null : decode(info.substring(0, colon));
                password = decode(info.substring(colon + 1));
            }
        }
        if (rest.contains("?") || rest.contains("#")) {
            throw new InvalidAddressException("'" + redact(url) + "': query parameters are not supported");
        }
        int database = 0;
        int slash = rest.indexOf('/');
        if (slash >= 0) {
            String db = rest.substring(slash + 1);
            rest = rest.substring(0, slash);
            if (!db.isEmpty()) {
                database = number(db, 0, 1_000_000, "database", url);
            }
        }
        String host;
        int port = DEFAULT_PORT;
        if (rest.startsWith("[")) {
            int close = rest.indexOf(']');
            if (close < 0) {
                throw new InvalidAddressException("'" + redact(url) + "': unclosed [ in the host");
            }
            host = rest.substring(1, close);
            String after = rest.substring(close + 1);
            if (!after.isEmpty()) {
                if (!after.startsWith(":")) {
                    throw new InvalidAddressException("'" + redact(url) + "': unexpected text after the host");
                }
                port = number(after.substring(1), 1, 65535, "port", url);
            }
        } else {
            int colon = rest.lastIndexOf(':');
            if (colon >= 0) {
                host = rest.substring(0, colon);
                port = number(rest.substring(colon + 1), 1, 65535, "port", url);
            } else {
                host = rest;
            }
        }
        if (host.isEmpty() || host.contains(":") && !rest.startsWith("[")) {
            throw new InvalidAddressException("'" + redact(url) + "': no host");
        }
        if (passwordFile != null) {
            password = readPassword(passwordFile);
        }
        if (password != null && password.isEmpty()) {
            password = null;
        }
        return new BusAddress(tls, host, port, database, user, password);
    }

    private static String readPassword(Path file) throws InvalidAddressException {
        try {
            String content = Files.readString(file, StandardCharsets.UTF_8);
            int end = content.indexOf('\n');
            String line = end >= 0 ? content.substring(0, end) : content;
            if (line.endsWith("\r")) {
                line = line.substring(0, line.length() - 1);
            }
            if (line.isEmpty()) {
                throw new InvalidAddressException("password file '" + file + "' is empty");
            }
            return line;
        } catch (IOException | RuntimeException e) {
            throw new InvalidAddressException("can't read the password file '" + file + "': " + e.getMessage());
        }
    }

    private static int number(String text, int min, int max, String what, String url) throws InvalidAddressException {
        try {
            int n = Integer.parseInt(text);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // falls through to the message below
        }
        throw new InvalidAddressException("'" + redact(url) + "': invalid " + what + " '" + text + "'");
    }

    private static String decode(String s) throws InvalidAddressException {
        try {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new InvalidAddressException("bad %-escape in the user or password");
        }
    }

    /** The URL with any password replaced by ***, for messages. */
    static String redact(String url) {
        int scheme = url.indexOf("://");
        int at = url.lastIndexOf('@');
        if (scheme < 0 || at < scheme) {
            return url;
        }
        String info = url.substring(scheme + 3, at);
        int colon = info.indexOf(':');
        String shown = colon < 0 ? "***" : info.substring(0, colon) + ":***";
        return url.substring(0, scheme + 3) + shown + url.substring(at);
    }

    /** How the bus is named in log lines and errors: the URL without the password. */
    @Override
    public String toString() {
        String h = host.contains(":") ? "[" + host + "]" : host;
        return (tls ? "rediss://" : "redis://") + (user != null ? user + "@" : "") + h + ":" + port
                + (database != 0 ? "/" + database : "");
    }
}
