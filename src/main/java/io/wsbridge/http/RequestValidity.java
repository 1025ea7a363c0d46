package io.wsbridge.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.wsbridge.syntax.HttpTokens;
import java.util.List;
import java.util.Map;

/**
 * What makes a request unanswerable before anything looks at it (RFC 9112): an HTTP/1.1 request needs exactly
 * one valid Host field (section 3.2: "400 (Bad Request) ... lacks a Host header field ... or contains more than
 * one Host header field line or a Host header field with an invalid field value"), and a request target has no
 * control bytes, raw or percent-encoded (a NUL or an escape sequence in a path would reach the program's
 * environment and whoever reads the access log), and header names are tokens and values have no control
 * characters but tab (RFC 9110 5.1, 5.5). websocketd (Go's net/http) answers these with 400 too.
 */
public final class RequestValidity {
    private RequestValidity() {
    }

    /** Why the request must get 400, or null when it may go on. */
    public static String problem(HttpRequest request) {
        String target = problemInTarget(request.uri());
        if (target != null) {
            return target;
        }
        for (Map.Entry<String, String> h : request.headers()) {
            if (!HttpTokens.isToken(h.getKey())) {
                return "invalid header name";
            }
            if (hasControl(h.getValue())) {
                return "control character in header " + h.getKey();
            }
        }
        List<String> hosts = request.headers().getAll(HttpHeaderNames.HOST);
        if (hosts.size() > 1) {
            return "more than one Host header";
        }
        if (hosts.isEmpty()) {
            return request.protocolVersion().compareTo(HttpVersion.HTTP_1_1) >= 0 ? "missing Host header" : null;
        }
        return validHost(hosts.get(0)) ? null : "invalid Host header";
    }

    /**
     * Control bytes or spaces in the request target, and control bytes encoded in its path (%00, %1b, ...). An
     * encoded newline in a query is data (a form field), the program decodes it itself.
     */
    static String problemInTarget(String uri) {
        boolean inQuery = false;
        for (int i = 0; i < uri.length(); i++) {
            char c = uri.charAt(i);
            inQuery |= c == '?';
            if (isControl(c) || c == ' ') {
                return "control character in request target";
            }
            if (c == '%' && !inQuery && i + 2 < uri.length() && isControlEscape(uri.charAt(i + 1), uri.charAt(i + 2))) {
                return "encoded control character in request target";
            }
        }
        return null;
    }

    /** Field values are visible characters, spaces and tabs (RFC 9110 5.5), as Go's net/http checks too. */
    private static boolean hasControl(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (isControl(c) && c != '\t') {
                return true;
            }
        }
        return false;
    }

    private static boolean isControl(char c) {
        return c < 0x20 || c == 0x7f;
    }

    /** %00..%1F and %7F. */
    private static boolean isControlEscape(char hi, char lo) {
        int h = Character.digit(hi, 16);
        int l = Character.digit(lo, 16);
        if (h < 0 || l < 0) {
            return false;
        }
        int b = h * 16 + l;
        return b < 0x20 || b == 0x7f;
    }

    /**
     * RFC 9112 3.2 / RFC 3986 3.2.2: {@code host [":" port]}, host a reg-name (unreserved, sub-delims and
     * percent escapes; may be empty) or a bracketed IP literal, port digits. No spaces, no second value.
     */
    static boolean validHost(String value) {
        String v = value;
        int portColon;
        String host;
        if (v.startsWith("[")) {
            int close = v.indexOf(']');
            if (close < 0) {
                return false;
            }
            host = v.substring(1, close);
            if (host.isEmpty() || !host.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
                return false;
            }
            if (close + 1 == v.length()) {
                return true;
            }
            if (v.charAt(close + 1) != ':') {
                return false;
            }
            portColon = close + 1;
        } else {
            portColon = v.lastIndexOf(':');
            host = portColon < 0 ? v : v.substring(0, portColon);
            for (int i = 0; i < host.length(); i++) {
                char c = host.charAt(i);
                boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                        || "-._~!$&'()*+,;=%".indexOf(c) >= 0;
                if (!ok) {
                    return false;
                }
            }
            if (portColon < 0) {
                return true;
            }
        }
        for (int i = portColon + 1; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }
}
