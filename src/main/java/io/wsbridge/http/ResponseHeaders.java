package io.wsbridge.http;

import io.netty.handler.codec.http.HttpHeaders;
import io.wsbridge.cli.Config;
import java.util.List;

/**
 * --header, --header-ws and --header-http, on the responses websocketd puts them on: a successful upgrade
 * (101) gets --header then --header-ws; the dev console, CGI (its 429 and 502 included), static files (their
 * redirects, 304, 404, 405 and 416 included) and the final 404 get --header then --header-http. Refused
 * upgrades (400, 403, 404, 405, 426, 429) and malformed requests (400) get none, as in websocketd. Values
 * are added, never replacing what the response already has.
 */
public final class ResponseHeaders {
    public static final ResponseHeaders NONE = new ResponseHeaders(Config.Headers.NONE);

    private final List<Config.Header> upgrade;
    private final List<Config.Header> plain;

    public ResponseHeaders(Config.Headers headers) {
        this.upgrade = concat(headers.all(), headers.ws());
        this.plain = concat(headers.all(), headers.http());
    }

    /** On a 101 Switching Protocols. */
    public void addToUpgrade(HttpHeaders target) {
        add(upgrade, target);
    }

    /** On a plain HTTP response (not a WebSocket refusal). */
    public void addToPlain(HttpHeaders target) {
        add(plain, target);
    }

    private static void add(List<Config.Header> headers, HttpHeaders target) {
        for (Config.Header h : headers) {
            target.add(h.name(), h.value());
        }
    }

    private static List<Config.Header> concat(List<Config.Header> a, List<Config.Header> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }
}
