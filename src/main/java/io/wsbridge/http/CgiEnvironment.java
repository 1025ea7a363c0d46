package io.wsbridge.http;

import io.wsbridge.http.RequestInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The CGI-style environment every child gets, the same set websocketd gives (plus HTTP_HOST, which it
 * forgets): nothing of wsbridge's own environment except the --passenv variables. The part that is the same
 * for every connection is built once at start-up.
 */
public final class CgiEnvironment {
    private final List<String> fixedHead;
    private final boolean tls;

    /**
     * @param serverSoftware SERVER_SOFTWARE value
     * @param passEnv        names of wsbridge's variables to pass on
     * @param ownEnvironment wsbridge's environment (System.getenv())
     * @param tls            whether connections are TLS (adds HTTPS=on)
     */
    private CgiEnvironment(List<String> fixedHead, boolean tls) {
        this.fixedHead = fixedHead;
        this.tls = tls;
    }

    public CgiEnvironment(String serverSoftware, List<String> passEnv, Map<String, String> ownEnvironment,
                          boolean tls) {
        List<String> head = new ArrayList<>();
        head.add("SERVER_SOFTWARE=" + serverSoftware);
        for (String name : passEnv) {
            String value = ownEnvironment.get(name);
            if (value == null || name.equals("HTTPS")) {
                continue;
            }
            String clean = clean(value);
            if (!clean.isEmpty()) {
                head.add(name + "=" + clean);
            }
        }
        this.fixedHead = List.copyOf(head);
        this.tls = tls;
    }

    /**
     * The same environment with these NAME=value entries added to every request's, replacing passed-on
     * variables of the same names (--linebuffered).
     */
    public CgiEnvironment with(List<String> variables) {
        List<String> names = variables.stream().map(v -> v.substring(0, v.indexOf('=') + 1)).toList();
        List<String> head = new ArrayList<>();
        for (String v : fixedHead) {
            if (names.stream().noneMatch(v::startsWith)) {
                head.add(v);
            }
        }
        head.addAll(variables);
        return new CgiEnvironment(List.copyOf(head), tls);
    }

    /**
     * The environment for one request.
     *
     * @param scriptName SCRIPT_NAME: the URL path that names the program
     * @param pathInfo   PATH_INFO: the rest of the path after it
     * @param extra      further NAME=value entries (e.g. WEBSOCKET_PROTOCOL), appended last
     */
    public List<String> forRequest(RequestInfo r, String remoteHost, String scriptName, String pathInfo,
                                   List<String> extra) {
        List<String> env = new ArrayList<>(fixedHead.size() + 24 + r.headers().size() + extra.size());
        env.addAll(fixedHead);
        add(env, "REMOTE_ADDR", r.remoteAddr());
        add(env, "REMOTE_HOST", remoteHost);
        addServer(env, r, scriptName, pathInfo);
        add(env, "PATH_TRANSLATED", r.path());
        add(env, "QUERY_STRING", r.rawQuery());
        // Empty without --basicauth/--tokenfile/--authurl: set anyway so nothing can leak in under these names.
        add(env, "AUTH_TYPE", r.authType());
        add(env, "CONTENT_LENGTH", "");
        add(env, "CONTENT_TYPE", "");
        add(env, "REMOTE_IDENT", "");
        add(env, "REMOTE_USER", r.remoteUser());
        add(env, "UNIQUE_ID", r.id());
        // Unix socket clients have no port: empty, as websocketd does.
        add(env, "REMOTE_PORT", r.remotePort() > 0 ? Integer.toString(r.remotePort()) : "");
        add(env, "REQUEST_URI", r.uri());
        if (tls) {
            add(env, "HTTPS", "on");
        }
        for (Map.Entry<String, String> h : headerVariables(r).entrySet()) {
            add(env, h.getKey(), h.getValue());
        }
        env.addAll(extra);
        return env;
    }

    /**
     * The environment of a room's program (--rooms): the server's variables as for one request (taken from
     * the request of the client that opened the room), SCRIPT_NAME and PATH_INFO of the room, and ROOM (its
     * path); nothing about any one client (REMOTE_*, the query, the request headers), since clients come and go.
     */
    public List<String> forRoom(RequestInfo first, String scriptName, String pathInfo, String room,
                                List<String> extra) {
        List<String> env = new ArrayList<>(fixedHead.size() + 16 + extra.size());
        env.addAll(fixedHead);
        addServer(env, first, scriptName, pathInfo);
        add(env, "PATH_TRANSLATED", room);
        add(env, "ROOM", room);
        if (tls) {
            add(env, "HTTPS", "on");
        }
        env.addAll(extra);
        return env;
    }

    /** The variables about the server and the program's place in it, the same for every request. */
    private void addServer(List<String> env, RequestInfo r, String scriptName, String pathInfo) {
        HostPort server = HostPort.parse(r.host(), tls ? 443 : 80);
        add(env, "SERVER_NAME", server.host());
        add(env, "SERVER_PORT", server.port());
        add(env, "SERVER_PROTOCOL", r.protocol());
        add(env, "GATEWAY_INTERFACE", "CGI/1.1");
        add(env, "REQUEST_METHOD", r.method());
        add(env, "SCRIPT_NAME", scriptName);
        add(env, "PATH_INFO", pathInfo);
    }

    /** HTTP_* for every request header: upper case, '-' to '_', repeated headers joined with ", ". */
    static Map<String, String> headerVariables(RequestInfo r) {
        Map<String, String> vars = new LinkedHashMap<>();
        for (Map.Entry<String, String> h : r.headers()) {
            String name = "HTTP_" + h.getKey().toUpperCase(Locale.ROOT).replace('-', '_');
            if (!validName(name) || name.equals("HTTP_PROXY")) {
                // A name that cannot be a variable is not passed; nor is a "Proxy:" request header, which
                // HTTP clients in the program would take as their proxy setting ("httpoxy").
                continue;
            }
            String value = clean(h.getValue());
            vars.merge(name, value, (a, b) -> a + ", " + b);
        }
        return vars;
    }

    private static boolean validName(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(c == '_' || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) {
                return false;
            }
        }
        return true;
    }

    private static void add(List<String> env, String name, String value) {
        env.add(name + "=" + clean(value));
    }

    /** Values cannot hold newlines or NULs (exec would cut them); trimmed as websocketd does. */
    static String clean(String value) {
        if (value == null) {
            return "";
        }
        int n = value.length();
        if (n == 0 || (value.charAt(0) > ' ' && value.charAt(n - 1) > ' ' && cleanInside(value))) {
            return value; // the usual case, without a copy
        }
        return value.replace('\n', ' ').replace('\r', ' ').replace('\0', ' ').trim();
    }

    private static boolean cleanInside(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\n' || c == '\r' || c == '\0') {
                return false;
            }
        }
        return true;
    }

    /** Host header split into name and port, without IPv6 brackets; the default port when none is given. */
    record HostPort(String host, String port) {
        static HostPort parse(String hostHeader, int defaultPort) {
            String h = hostHeader.trim();
            if (h.startsWith("[")) {
                int close = h.indexOf(']');
                if (close > 0) {
                    String host = h.substring(1, close);
                    String rest = h.substring(close + 1);
                    return new HostPort(host, rest.startsWith(":") && rest.length() > 1 ? rest.substring(1)
                            : Integer.toString(defaultPort));
                }
                return new HostPort(h, Integer.toString(defaultPort));
            }
            int colon = h.lastIndexOf(':');
            if (colon >= 0 && h.indexOf(':') == colon) {
                return new HostPort(h.substring(0, colon), colon + 1 < h.length() ? h.substring(colon + 1)
                        : Integer.toString(defaultPort));
            }
            return new HostPort(h, Integer.toString(defaultPort));
        }
    }
}
