package io.wsbridge.access;

import java.util.Locale;

/**
 * A parsed origin, scheme://host[:port], compared as browsers send it (RFC 6454): lower-case scheme and host
 * (host comparison is case-insensitive, unlike websocketd's), IPv6 hosts without brackets, and the port
 * explicit or the scheme's default (-1 when the scheme has none).
 *
 * @param explicitPort whether the port was written out
 */
record Origin(String scheme, String host, int port, boolean explicitPort) {

    /**
     * Parses an Origin header strictly: scheme "://" host [":" port], and nothing else (no user info, path,
     * query or fragment; a single trailing "/" is tolerated for non-browser clients). Null when it is not one,
     * including the opaque origin "null".
     */
    static Origin parseHeader(String value) {
        if (value == null) {
            return null;
        }
        String v = value.trim();
        int sep = v.indexOf("://");
        if (sep <= 0) {
            return null;
        }
        String scheme = v.substring(0, sep);
        if (!validScheme(scheme)) {
            return null;
        }
        String rest = v.substring(sep + 3);
        if (rest.endsWith("/")) {
            rest = rest.substring(0, rest.length() - 1);
        }
        return hostPort(scheme.toLowerCase(Locale.ROOT), rest);
    }

    /** host[:port] (IPv6 in brackets) after the scheme; null when malformed. */
    static Origin hostPort(String scheme, String rest) {
        if (rest.isEmpty()) {
            return null;
        }
        for (int i = 0; i < rest.length(); i++) {
            char c = rest.charAt(i);
            if (c <= 0x20 || c >= 0x7f || "/?#@\\%\"<>^`{|}".indexOf(c) >= 0) {
                return null;
            }
        }
        String host;
        String port = null;
        if (rest.startsWith("[")) {
            int close = rest.indexOf(']');
            if (close < 2) {
                return null;
            }
            host = rest.substring(1, close);
            String after = rest.substring(close + 1);
            if (!after.isEmpty()) {
                if (!after.startsWith(":")) {
                    return null;
                }
                port = after.substring(1);
            }
            if (!host.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
                return null;
            }
        } else {
            int colon = rest.indexOf(':');
            if (colon >= 0) {
                if (rest.indexOf(':', colon + 1) >= 0) {
                    return null;
                }
                host = rest.substring(0, colon);
                port = rest.substring(colon + 1);
            } else {
                host = rest;
            }
            if (host.isEmpty() || host.contains("[") || host.contains("]")) {
                return null;
            }
        }
        int p;
        if (port == null) {
            p = defaultPort(scheme);
        } else {
            p = parsePort(port);
            if (p < 0) {
                return null;
            }
        }
        return new Origin(scheme, host.toLowerCase(Locale.ROOT), p, port != null);
    }

    static int defaultPort(String scheme) {
        if (scheme == null) {
            return -1;
        }
        return switch (scheme) {
            case "http", "ws" -> 80;
            case "https", "wss" -> 443;
            default -> -1;
        };
    }

    private static int parsePort(String s) {
        if (s.isEmpty() || s.length() > 5 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return -1;
        }
        int p = Integer.parseInt(s);
        return p >= 1 && p <= 65535 ? p : -1;
    }

    private static boolean validScheme(String s) {
        if (s.isEmpty() || !Character.isLetter(s.charAt(0))) {
            return false;
        }
        return s.chars().allMatch(c -> (c < 0x80 && Character.isLetterOrDigit(c)) || c == '+' || c == '-'
                || c == '.');
    }

    @Override
    public String toString() {
        String h = host.contains(":") ? "[" + host + "]" : host;
        return scheme + "://" + h + (explicitPort ? ":" + port : "");
    }
}
