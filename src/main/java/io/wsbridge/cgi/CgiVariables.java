package io.wsbridge.cgi;

import io.wsbridge.http.RequestInfo;
import io.wsbridge.paths.ContentRoot;
import io.wsbridge.http.CgiEnvironment;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The environment of a CGI script (RFC 3875 section 4.1): the variables every child gets (the --passenv ones,
 * SERVER_*, REMOTE_*, GATEWAY_INTERFACE=CGI/1.1, HTTPS=on under TLS, HTTP_* for the request headers, ...),
 * with what a script with a request body needs on top: CONTENT_LENGTH and CONTENT_TYPE of the request,
 * SCRIPT_FILENAME, and PATH_TRANSLATED as the file system path PATH_INFO maps to (unset without PATH_INFO).
 * HTTP_CONTENT_LENGTH and HTTP_CONTENT_TYPE are left out (they have their own variables), and so is HTTP_PROXY
 * (a "Proxy:" request header must not become the script's proxy setting: "httpoxy").
 */
final class CgiVariables {
    private CgiVariables() {
    }

    static List<String> of(CgiEnvironment base, RequestInfo request, ContentRoot.Script script, ContentRoot root) {
        List<String> common = base.forRequest(request, request.remoteAddr(), script.scriptName(), script.pathInfo(),
                List.of());
        Map<String, String> overrides = new LinkedHashMap<>();
        overrides.put("CONTENT_LENGTH", contentLength(request));
        overrides.put("CONTENT_TYPE", valueOrEmpty(request.header("Content-Type")));
        overrides.put("SCRIPT_FILENAME", script.realPath().toString());
        overrides.put("PATH_TRANSLATED", script.pathInfo().isEmpty() ? null
                : root.path() + script.pathInfo());
        overrides.put("HTTP_CONTENT_LENGTH", null);
        overrides.put("HTTP_CONTENT_TYPE", null);
        overrides.put("HTTP_PROXY", null);
        return apply(common, overrides);
    }

    /** Replaces (or, for null, removes) the named variables in place; appends the ones not there yet. */
    static List<String> apply(List<String> env, Map<String, String> overrides) {
        Map<String, String> pending = new LinkedHashMap<>(overrides);
        List<String> out = new ArrayList<>(env.size() + overrides.size());
        for (String kv : env) {
            String name = kv.substring(0, kv.indexOf('='));
            if (!overrides.containsKey(name)) {
                out.add(kv);
                continue;
            }
            String value = pending.remove(name);
            if (value != null) {
                out.add(name + "=" + clean(value));
            }
        }
        pending.forEach((name, value) -> {
            if (value != null) {
                out.add(name + "=" + clean(value));
            }
        });
        return out;
    }

    private static String contentLength(RequestInfo request) {
        String v = request.header("Content-Length");
        if (v == null) {
            return "";
        }
        String t = v.trim();
        return !t.isEmpty() && t.chars().allMatch(c -> c >= '0' && c <= '9') ? t : "";
    }

    private static String valueOrEmpty(String v) {
        return v == null ? "" : v;
    }

    private static String clean(String value) {
        return value.replace('\n', ' ').replace('\r', ' ').replace('\0', ' ').trim();
    }
}
