package io.wsbridge.auth;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * What a request presents: a Basic user and password, a bearer token, and the raw Cookie and Authorization
 * headers (for --authurl). With --tokenfile, taking the token also removes it from the request: a
 * {@code token} query parameter leaves the URI (so QUERY_STRING, REQUEST_URI and every log line never see
 * it), and a {@code bearer.TOKEN} subprotocol offer leaves Sec-WebSocket-Protocol (so it is never chosen or
 * echoed back).
 *
 * @param basicUser     from Authorization: Basic, or null
 * @param basicPassword its password, or null
 * @param token         from Authorization: Bearer, a bearer.TOKEN offer or ?token= (in that order), or null
 * @param cookie        the Cookie header, or null
 * @param authorization the Authorization header, or null
 */
record Credentials(String basicUser, String basicPassword, String token, String cookie, String authorization) {
    static final String SUBPROTOCOL_PREFIX = "bearer.";
    static final String QUERY_PARAMETER = "token";

    /** Reads the credentials; with {@code takeTokens} also removes the query and subprotocol tokens. */
    static Credentials take(HttpRequest request, boolean takeTokens) {
        HttpHeaders h = request.headers();
        String authorization = h.get(HttpHeaderNames.AUTHORIZATION);
        String user = null;
        String password = null;
        String token = null;
        if (authorization != null) {
            String a = authorization.strip();
            if (startsWithIgnoreCase(a, "Basic ")) {
                String pair = decodeBase64(a.substring(6).strip());
                int colon = pair == null ? -1 : pair.indexOf(':');
                if (colon >= 0) {
                    user = pair.substring(0, colon);
                    password = pair.substring(colon + 1);
                }
            } else if (startsWithIgnoreCase(a, "Bearer ")) {
                token = a.substring(7).strip();
            }
        }
        if (takeTokens) {
            String fromProtocol = takeSubprotocolToken(h);
            String fromQuery = takeQueryToken(request);
            token = token != null ? token : fromProtocol != null ? fromProtocol : fromQuery;
        }
        return new Credentials(user, password, token, h.get(HttpHeaderNames.COOKIE), authorization);
    }

    private static String takeSubprotocolToken(HttpHeaders h) {
        List<String> offers = h.getAll(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL);
        if (offers.isEmpty()) {
            return null;
        }
        String token = null;
        List<String> kept = new ArrayList<>();
        for (String header : offers) {
            for (String offer : header.split(",")) {
                String o = offer.strip();
                if (o.startsWith(SUBPROTOCOL_PREFIX)) {
                    if (token == null) {
                        token = o.substring(SUBPROTOCOL_PREFIX.length());
                    }
                } else if (!o.isEmpty()) {
                    kept.add(o);
                }
            }
        }
        if (token != null) {
            h.remove(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL);
            if (!kept.isEmpty()) {
                h.set(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL, String.join(", ", kept));
            }
        }
        return token;
    }

    /** Removes every {@code token} parameter from the request's query; returns the first one's value. */
    private static String takeQueryToken(HttpRequest request) {
        String uri = request.uri();
        int q = uri.indexOf('?');
        if (q < 0) {
            return null;
        }
        String token = null;
        StringBuilder kept = new StringBuilder();
        for (String param : uri.substring(q + 1).split("&", -1)) {
            int eq = param.indexOf('=');
            String name = decode(eq < 0 ? param : param.substring(0, eq));
            if (QUERY_PARAMETER.equals(name)) {
                if (token == null) {
                    token = eq < 0 ? "" : decode(param.substring(eq + 1));
                }
                continue;
            }
            if (!param.isEmpty()) {
                kept.append(kept.length() == 0 ? "" : "&").append(param);
            }
        }
        if (token != null) {
            request.setUri(uri.substring(0, q) + (kept.length() == 0 ? "" : "?" + kept));
        }
        return token;
    }

    private static String decode(String component) {
        try {
            return QueryStringDecoder.decodeComponent(component);
        } catch (IllegalArgumentException e) {
            return component;
        }
    }

    private static String decodeBase64(String text) {
        try {
            return new String(Base64.getDecoder().decode(text), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static boolean startsWithIgnoreCase(String s, String prefix) {
        return s.length() >= prefix.length()
                && s.substring(0, prefix.length()).toLowerCase(Locale.ROOT).equals(prefix.toLowerCase(Locale.ROOT));
    }
}
