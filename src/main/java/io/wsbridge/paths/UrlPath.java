package io.wsbridge.paths;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The path of a request target as percent-decoded segments, for mapping URLs onto a directory (--dir,
 * --staticdir, --cgidir). Every segment is decoded exactly once, so a double-encoded {@code %252e} stays the
 * literal name {@code %2e}. Spellings that could climb out of the directory or confuse a file system are
 * refused as a whole rather than repaired: a {@code .} or {@code ..} segment (raw or encoded), an encoded
 * slash, a backslash, NUL or any control character, an empty segment ({@code //}), broken percent escapes
 * and bytes that are not UTF-8. A normal client never sends those (browsers normalise paths first).
 */
public final class UrlPath {
    private final List<String> segments;
    private final boolean trailingSlash;

    private UrlPath(List<String> segments, boolean trailingSlash) {
        this.segments = List.copyOf(segments);
        this.trailingSlash = trailingSlash;
    }

    /** The path of {@code requestTarget} (origin-form or absolute-form), or empty when it is refused. */
    public static Optional<UrlPath> parse(String requestTarget) {
        String raw = rawPath(requestTarget);
        if (raw == null || !raw.startsWith("/")) {
            return Optional.empty();
        }
        String[] parts = raw.substring(1).split("/", -1);
        List<String> segments = new ArrayList<>(parts.length);
        boolean trailing = false;
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            if (part.isEmpty()) {
                if (i == parts.length - 1) {
                    trailing = true; // "/" itself, or "/dir/"
                    break;
                }
                return Optional.empty(); // "//"
            }
            String decoded = decode(part);
            if (decoded == null || !acceptable(decoded)) {
                return Optional.empty();
            }
            segments.add(decoded);
        }
        return Optional.of(new UrlPath(segments, trailing));
    }

    /**
     * For a request target that spells its path with raw {@code .} or {@code ..} segments
     * ({@code /sub/../hello.sh}): where websocketd (Go's ServeMux) redirects it with 301, the path cleaned
     * ({@code /hello.sh}, a trailing slash kept) plus the query. Empty when there is nothing to clean, and
     * when the path must be refused instead: a {@code ..} that would climb above the root, an encoded dot
     * segment or any other spelling {@link #parse} refuses, or an empty segment ({@code //}, which could
     * turn into a protocol-relative Location).
     */
    public static Optional<String> cleaned(String requestTarget) {
        String raw = rawPath(requestTarget);
        if (raw == null || !raw.startsWith("/")) {
            return Optional.empty();
        }
        String[] parts = raw.substring(1).split("/", -1);
        List<String> kept = new ArrayList<>(parts.length);
        boolean dotSegment = false;
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            if (part.equals(".")) {
                dotSegment = true;
            } else if (part.equals("..")) {
                dotSegment = true;
                if (kept.isEmpty()) {
                    return Optional.empty(); // above the root
                }
                kept.remove(kept.size() - 1);
            } else if (part.isEmpty()) {
                if (i != parts.length - 1) {
                    return Optional.empty();
                }
            } else {
                String decoded = decode(part);
                if (decoded == null || !acceptable(decoded)) {
                    return Optional.empty();
                }
                kept.add(part); // still encoded as the client sent it
            }
        }
        if (!dotSegment) {
            return Optional.empty();
        }
        String path = "/" + String.join("/", kept) + (raw.endsWith("/") && !kept.isEmpty() ? "/" : "");
        String query = rawQuery(requestTarget);
        return Optional.of(query.isEmpty() ? path : path + "?" + query);
    }

    /** The decoded segments, without empty ones ("/" has none). */
    public List<String> segments() {
        return segments;
    }

    /** Whether the path ends with "/" (it names a directory, or asks for PATH_INFO "/"). */
    public boolean trailingSlash() {
        return trailingSlash;
    }

    /** "/" + the first {@code n} segments joined by "/" (decoded). */
    public String prefix(int n) {
        return "/" + String.join("/", segments.subList(0, n));
    }

    /** What follows the first {@code n} segments: "" when nothing does, else "/rest" (with a trailing slash). */
    public String suffix(int n) {
        if (n == segments.size()) {
            return trailingSlash ? "/" : "";
        }
        return "/" + String.join("/", segments.subList(n, segments.size())) + (trailingSlash ? "/" : "");
    }

    /** This path percent-encoded again (for a Location header), with a trailing slash if {@code slash}. */
    public String encoded(boolean slash) {
        StringBuilder out = new StringBuilder();
        for (String s : segments) {
            out.append('/');
            encodeSegment(s, out);
        }
        if (slash || segments.isEmpty()) {
            out.append('/');
        }
        return out.toString();
    }

    /** What follows "?" up to any "#", or "". */
    private static String rawQuery(String target) {
        int q = target.indexOf('?');
        if (q < 0) {
            return "";
        }
        int hash = target.indexOf('#', q);
        return target.substring(q + 1, hash < 0 ? target.length() : hash);
    }

    private static String rawPath(String target) {
        String t = target;
        int q = t.indexOf('?');
        if (q >= 0) {
            t = t.substring(0, q);
        }
        int hash = t.indexOf('#');
        if (hash >= 0) {
            t = t.substring(0, hash);
        }
        if (!t.startsWith("/")) {
            int scheme = t.indexOf("://");
            if (scheme <= 0) {
                return null; // "*" or garbage
            }
            int slash = t.indexOf('/', scheme + 3);
            t = slash < 0 ? "/" : t.substring(slash);
        }
        return t;
    }

    private static boolean acceptable(String segment) {
        if (segment.equals(".") || segment.equals("..")) {
            return false;
        }
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '/' || c == '\\') {
                return false;
            }
        }
        return true;
    }

    /** Strict percent-decoding to UTF-8; null on a broken escape or bytes that are not UTF-8. */
    static String decode(String s) {
        if (s.indexOf('%') < 0) {
            for (int i = 0; i < s.length(); i++) {
                if (s.charAt(i) > 0x7e) {
                    return null; // raw non-ASCII in a request line: not a valid URL
                }
            }
            return s;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 2 >= s.length()) {
                    return null;
                }
                int hi = Character.digit(s.charAt(i + 1), 16);
                int lo = Character.digit(s.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    return null;
                }
                bytes.write(hi << 4 | lo);
                i += 2;
            } else if (c > 0x7e) {
                return null;
            } else {
                bytes.write(c);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static void encodeSegment(String s, StringBuilder out) {
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            boolean keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "-._~!$&'()*+,;=:@".indexOf(c) >= 0;
            if (keep) {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
    }

    @Override
    public String toString() {
        return encoded(trailingSlash);
    }
}
