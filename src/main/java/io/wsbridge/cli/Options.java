package io.wsbridge.cli;

import io.wsbridge.syntax.HttpTokens;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Validation and parsing of the individual option values; every failure names the flag and the value. */
final class Options {
    private Options() {
    }

    /** A comma-separated list, blanks dropped. */
    static List<String> list(String value) {
        if (value == null) {
            return List.of();
        }
        return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    static void checkPort(String flag, int port) throws ConfigException {
        if (port < 0 || port > 65535) {
            throw ConfigParser.invalid("Invalid " + flag + " " + port + ": must be between 0 and 65535.");
        }
    }

    static Path readableFile(String flag, String value) throws ConfigException {
        Path p = Path.of(value);
        if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
            throw ConfigParser.invalid("Invalid " + flag + " '" + value + "': not a readable file.");
        }
        return p.toAbsolutePath().normalize();
    }

    static Path directory(String flag, String value) throws ConfigException {
        if (value == null) {
            return null;
        }
        Path p = Path.of(value);
        if (!Files.isDirectory(p)) {
            throw ConfigParser.invalid("Invalid " + flag + " '" + value + "': not an accessible directory.");
        }
        try {
            return p.toRealPath();
        } catch (java.io.IOException e) {
            throw ConfigParser.invalid("Invalid " + flag + " '" + value + "': " + e.getMessage());
        }
    }

    /** --origin entries: [scheme://]host[:port], without path. */
    static List<String> origins(String value) throws ConfigException {
        List<String> out = new ArrayList<>();
        for (String entry : list(value)) {
            String rest = entry;
            int scheme = entry.indexOf("://");
            if (scheme >= 0) {
                String s = entry.substring(0, scheme);
                if (s.isEmpty() || !s.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '+' || c == '-'
                        || c == '.')) {
                    throw badOrigin(entry);
                }
                rest = entry.substring(scheme + 3);
            }
            if (rest.isEmpty() || rest.contains("/") || rest.contains("@") || rest.contains(" ")) {
                throw badOrigin(entry);
            }
            String port = null;
            if (rest.startsWith("[")) {
                int close = rest.indexOf(']');
                if (close < 0) {
                    throw badOrigin(entry);
                }
                if (close + 1 < rest.length()) {
                    if (rest.charAt(close + 1) != ':') {
                        throw badOrigin(entry);
                    }
                    port = rest.substring(close + 2);
                }
            } else if (rest.indexOf(':') >= 0) {
                port = rest.substring(rest.indexOf(':') + 1);
                if (rest.indexOf(':') == 0) {
                    throw badOrigin(entry);
                }
            }
            if (port != null) {
                try {
                    int p = Integer.parseInt(port);
                    if (p < 1 || p > 65535) {
                        throw badOrigin(entry);
                    }
                } catch (NumberFormatException e) {
                    throw badOrigin(entry);
                }
            }
            out.add(entry);
        }
        return out;
    }

    private static ConfigException badOrigin(String entry) {
        return ConfigParser.invalid("Invalid --origin entry '" + entry + "': expected [scheme://]host[:port].");
    }

    /** --trustproxy entries: IP literals or CIDR blocks (never looked up in DNS). */
    static List<String> trustedProxies(String value) throws ConfigException {
        List<String> out = new ArrayList<>();
        for (String entry : list(value)) {
            String addr = entry;
            int bits = -1;
            int slash = entry.indexOf('/');
            if (slash >= 0) {
                addr = entry.substring(0, slash);
                try {
                    bits = Integer.parseInt(entry.substring(slash + 1));
                } catch (NumberFormatException e) {
                    throw badProxy(entry);
                }
            }
            InetAddress parsed = ipLiteral(addr);
            if (parsed == null) {
                throw badProxy(entry);
            }
            int max = parsed.getAddress().length * 8;
            if (slash >= 0 && (bits < 0 || bits > max)) {
                throw badProxy(entry);
            }
            out.add(entry);
        }
        return out;
    }

    /**
     * Parses an IPv4 or IPv6 literal; null when it is not one. Never a DNS lookup: InetAddress.getByName
     * treats text with a colon as an IPv6 literal only, but anything else that is not a valid IPv4 literal
     * (a name such as "dead.beef.cafe.face", all hex digits and dots) it would resolve, so IPv4 is parsed
     * here and handed over as bytes.
     */
    static InetAddress ipLiteral(String text) {
        String t = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        if (t.isEmpty() || !t.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == '.' || c == ':')) {
            return null;
        }
        try {
            if (t.contains(":")) {
                return InetAddress.getByName(t);
            }
            byte[] v4 = dottedDecimal(t);
            return v4 == null ? null : InetAddress.getByAddress(v4);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** "a.b.c.d" with four decimal parts of 0..255 (no leading zeros, which some tools read as octal). */
    private static byte[] dottedDecimal(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            String p = parts[i];
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')
                    || (p.length() > 1 && p.charAt(0) == '0')) {
                return null;
            }
            int v = Integer.parseInt(p);
            if (v > 255) {
                return null;
            }
            out[i] = (byte) v;
        }
        return out;
    }

    private static ConfigException badProxy(String entry) {
        return ConfigParser.invalid("Invalid --trustproxy entry '" + entry
                + "': expected an IP address or a CIDR block such as 10.0.0.0/8.");
    }

    /** "Name: value" headers; a name without a colon means an empty value (as in websocketd). */
    static List<Config.Header> headers(String flag, List<String> values) throws ConfigException {
        List<Config.Header> out = new ArrayList<>();
        for (String v : values) {
            int colon = v.indexOf(':');
            String name = (colon < 0 ? v : v.substring(0, colon)).trim();
            String value = colon < 0 ? "" : v.substring(colon + 1).trim();
            if (name.isEmpty() || !HttpTokens.isToken(name) || value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
                throw ConfigParser.invalid("Invalid " + flag + " '" + v + "': expected 'Name: value'.");
            }
            out.add(new Config.Header(name, value));
        }
        return out;
    }

    /** --subprotocol tokens, in order of preference. */
    static List<String> subprotocols(String value) throws ConfigException {
        List<String> out = list(value);
        for (String p : out) {
            if (!HttpTokens.isToken(p)) {
                throw ConfigParser.invalid("Invalid --subprotocol '" + p + "': not a valid protocol token.");
            }
        }
        return out;
    }

    /** --authurl: an absolute http:// URL (the auth service is asked in plain HTTP, normally on loopback). */
    static java.net.URI authUrl(String value) throws ConfigException {
        try {
            java.net.URI uri = new java.net.URI(value);
            if (!"http".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
                throw new java.net.URISyntaxException(value, "not http://HOST[:PORT]/PATH");
            }
            return uri;
        } catch (java.net.URISyntaxException e) {
            throw ConfigParser.invalid("Invalid --authurl '" + value + "': expected http://HOST[:PORT]/PATH.");
        }
    }

    /** --metrics: HOST:PORT, [IPV6]:PORT or :PORT (every interface). */
    static Config.Metrics metrics(String value) throws ConfigException {
        int colon = value.lastIndexOf(':');
        String host = colon < 0 ? "" : value.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        try {
            int port = Integer.parseInt(value.substring(colon + 1));
            if (colon < 0 || port < 0 || port > 65535 || host.contains("[") || host.contains("]")) {
                throw new NumberFormatException();
            }
            return new Config.Metrics(host, port);
        } catch (NumberFormatException e) {
            throw ConfigParser.invalid("Invalid --metrics '" + value + "': expected ADDR:PORT, e.g. 127.0.0.1:9100.");
        }
    }
}
