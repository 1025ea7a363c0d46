package io.wsbridge.cgi;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.wsbridge.syntax.HttpTokens;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads the header block at the start of a CGI script's output, up to the empty line (lines may end in LF or
 * CRLF), and checks it: every line a "Name: value" field with a token name and no control characters in the
 * value (so a script cannot smuggle a header or split the response), at most one Status (a 3-digit code from
 * 200 to 599) and one Content-Length (digits), and at least one of Content-Type, Location or Status. Fields
 * that describe the connection rather than the content (Connection, Transfer-Encoding, Keep-Alive, ...) are
 * dropped: the server frames the response itself. A block larger than {@link #MAX_HEADER_BYTES} is malformed.
 */
final class CgiHeaderParser {
    static final int MAX_HEADER_BYTES = 64 * 1024;

    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "transfer-encoding", "te",
            "trailer", "upgrade", "proxy-connection");

    /** What feeding output so far has given. */
    sealed interface Result permits NeedMore, Complete, Malformed {
    }

    record NeedMore() implements Result {
    }

    /** @param rest the output after the header block (the start of the body; owned by the caller) */
    record Complete(CgiHead head, ByteBuf rest) implements Result {
    }

    record Malformed(String reason) implements Result {
    }

    private final ByteArrayOutputStream line = new ByteArrayOutputStream(128);
    private final List<String> lines = new ArrayList<>();
    private int total;

    /** Takes a chunk of output (ownership passes). */
    Result feed(ByteBuf chunk) {
        try {
            for (int i = chunk.readerIndex(); i < chunk.writerIndex(); i++) {
                byte b = chunk.getByte(i);
                if (++total > MAX_HEADER_BYTES) {
                    return new Malformed("header block larger than " + MAX_HEADER_BYTES + " bytes");
                }
                if (b != '\n') {
                    line.write(b);
                    continue;
                }
                String text = line.toString(StandardCharsets.ISO_8859_1);
                line.reset();
                if (text.endsWith("\r")) {
                    text = text.substring(0, text.length() - 1);
                }
                if (text.isEmpty()) {
                    Result parsed = parse(lines);
                    if (parsed instanceof Complete c) {
                        return new Complete(c.head(), chunk.retainedSlice(i + 1, chunk.writerIndex() - i - 1));
                    }
                    return parsed;
                }
                lines.add(text);
            }
            return new NeedMore();
        } finally {
            chunk.release();
        }
    }

    /** The output ended while the header block was still incomplete. */
    Malformed endOfOutput() {
        return new Malformed(total == 0 ? "no output" : "output ended inside the header block");
    }

    static Result parse(List<String> lines) {
        if (lines.isEmpty()) {
            return new Malformed("empty header block");
        }
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        String status = null;
        String contentLength = null;
        boolean contentType = false;
        boolean location = false;
        for (String l : lines) {
            int colon = l.indexOf(':');
            if (colon <= 0) {
                return new Malformed("not a header field: '" + printable(l) + "'");
            }
            String name = l.substring(0, colon);
            String value = trim(l.substring(colon + 1));
            if (!HttpTokens.isToken(name)) {
                return new Malformed("invalid header name '" + printable(name) + "'");
            }
            if (!validValue(value)) {
                return new Malformed("control character in header " + name);
            }
            String lower = name.toLowerCase(Locale.ROOT);
            switch (lower) {
                case "status" -> {
                    if (status != null) {
                        return new Malformed("more than one Status");
                    }
                    status = value;
                    continue;
                }
                case "content-length" -> {
                    if (contentLength != null) {
                        return new Malformed("more than one Content-Length");
                    }
                    contentLength = value;
                }
                case "content-type" -> contentType = true;
                case "location" -> location = !value.isEmpty();
                default -> {
                    if (HOP_BY_HOP.contains(lower)) {
                        continue;
                    }
                }
            }
            headers.add(new AbstractMap.SimpleImmutableEntry<>(name, value));
        }
        if (status == null && !contentType && !location) {
            return new Malformed("none of Content-Type, Location or Status");
        }
        int code = location ? 302 : 200;
        String reason = null;
        if (status != null) {
            if (status.length() < 3 || !status.substring(0, 3).chars().allMatch(c -> c >= '0' && c <= '9')
                    || (status.length() > 3 && status.charAt(3) != ' ')) {
                return new Malformed("invalid Status '" + printable(status) + "'");
            }
            code = Integer.parseInt(status.substring(0, 3));
            if (code < 200 || code > 599) {
                return new Malformed("Status " + code + " out of range");
            }
            reason = status.length() > 4 ? status.substring(4).trim() : null;
        }
        if (reason == null || reason.isEmpty()) {
            reason = HttpResponseStatus.valueOf(code).reasonPhrase();
        }
        long length = -1;
        if (contentLength != null) {
            if (contentLength.isEmpty() || contentLength.length() > 18
                    || !contentLength.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return new Malformed("invalid Content-Length '" + printable(contentLength) + "'");
            }
            length = Long.parseLong(contentLength);
        }
        return new Complete(new CgiHead(code, reason, headers, length), null);
    }

    private static String trim(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && (s.charAt(start) == ' ' || s.charAt(start) == '\t')) {
            start++;
        }
        while (end > start && (s.charAt(end - 1) == ' ' || s.charAt(end - 1) == '\t')) {
            end--;
        }
        return s.substring(start, end);
    }

    private static boolean validValue(String v) {
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                return false;
            }
        }
        return true;
    }

    /** For log lines: at most 80 characters, control characters shown as '?'. */
    private static String printable(String s) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length() && i < 80; i++) {
            char c = s.charAt(i);
            out.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return out.toString();
    }
}
