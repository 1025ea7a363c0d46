package io.wsbridge.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The facts about one HTTP request that sessions, the child's CGI environment and the logs need, copied out
 * of Netty's objects once so that nothing downstream depends on Netty.
 *
 * @param id         unique id of this request (UNIQUE_ID, the log's id:'...')
 * @param method     request method, e.g. GET
 * @param uri        request target exactly as sent, e.g. /chat/room?x=1%202
 * @param path       the target's path, percent-decoded
 * @param rawQuery   the query without '?', not decoded ("" when absent)
 * @param protocol   e.g. HTTP/1.1
 * @param headers    every header in arrival order, names as sent
 * @param remoteAddr peer address (no brackets for IPv6)
 * @param remotePort peer port (0 for Unix sockets)
 * @param localAddr  address the connection arrived on
 * @param localPort  port the connection arrived on
 * @param tls        whether the connection is TLS
 * @param authType   how the client authenticated (AUTH_TYPE: Basic, Bearer, Forward), "" without authentication
 * @param remoteUser who it authenticated as (REMOTE_USER), "" when unknown
 */
public record RequestInfo(
        String id,
        String method,
        String uri,
        String path,
        String rawQuery,
        String protocol,
        List<Map.Entry<String, String>> headers,
        String remoteAddr,
        int remotePort,
        String localAddr,
        int localPort,
        boolean tls,
        String authType,
        String remoteUser) {

    public RequestInfo {
        headers = List.copyOf(headers);
    }

    /** A request nobody authenticated. */
    public RequestInfo(String id, String method, String uri, String path, String rawQuery, String protocol,
                       List<Map.Entry<String, String>> headers, String remoteAddr, int remotePort, String localAddr,
                       int localPort, boolean tls) {
        this(id, method, uri, path, rawQuery, protocol, headers, remoteAddr, remotePort, localAddr, localPort, tls,
                "", "");
    }

    /** First value of a header (case-insensitive name), or null. */
    public String header(String name) {
        for (Map.Entry<String, String> h : headers) {
            if (h.getKey().equalsIgnoreCase(name)) {
                return h.getValue();
            }
        }
        return null;
    }

    /** All values of a header in order (case-insensitive name). */
    public List<String> headerValues(String name) {
        List<String> values = new ArrayList<>(1);
        for (Map.Entry<String, String> h : headers) {
            if (h.getKey().equalsIgnoreCase(name)) {
                values.add(h.getValue());
            }
        }
        return values;
    }

    /** The Host header, or the local address when the client sent none. */
    public String host() {
        String host = header("Host");
        if (host == null || host.isBlank()) {
            String addr = localAddr.contains(":") ? "[" + localAddr + "]" : localAddr;
            return addr + ":" + localPort;
        }
        return host.trim();
    }

    /**
     * Absolute URL for logs, as websocketd prints it: http://host/uri (https for TLS). An absolute-form
     * target ({@code GET http://host/path}, as proxies send) names its own host, which replaces the Host
     * header's (RFC 9112 3.2.2), and only its path and query follow.
     */
    public String url() {
        String scheme = tls ? "https://" : "http://";
        int authority = uri.startsWith("/") ? -1 : uri.indexOf("://");
        if (authority <= 0) {
            return scheme + host() + uri;
        }
        String rest = uri.substring(authority + 3);
        int end = 0;
        while (end < rest.length() && rest.charAt(end) != '/' && rest.charAt(end) != '?') {
            end++;
        }
        return scheme + rest.substring(0, end) + (end < rest.length() && rest.charAt(end) == '/' ? "" : "/")
                + rest.substring(end);
    }

    /** The Origin header or null. */
    public String origin() {
        return header("Origin");
    }

    public boolean isGet() {
        return "GET".equals(method.toUpperCase(Locale.ROOT));
    }
}
