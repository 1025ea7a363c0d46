package io.wsbridge.testing;

import io.wsbridge.http.RequestInfo;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A {@link RequestInfo} for unit tests, with sensible defaults (GET, HTTP/1.1, from 127.0.0.1:40000 to
 * 127.0.0.1:8080, no TLS) and only what a test cares about spelled out:
 * {@code RequestBuilder.get("/chat?room=1").header("Origin", "http://a.example").build()}.
 */
public final class RequestBuilder {
    private String id = "1";
    private String method = "GET";
    private final String uri;
    private String protocol = "HTTP/1.1";
    private final List<Map.Entry<String, String>> headers = new ArrayList<>();
    private String remoteAddr = "127.0.0.1";
    private int remotePort = 40000;
    private String localAddr = "127.0.0.1";
    private int localPort = 8080;
    private boolean tls;

    private RequestBuilder(String method, String uri) {
        this.method = method;
        this.uri = uri;
    }

    /** A GET of {@code uri} (path and optional query, as sent). */
    public static RequestBuilder get(String uri) {
        return new RequestBuilder("GET", uri);
    }

    public static RequestBuilder request(String method, String uri) {
        return new RequestBuilder(method, uri);
    }

    /** Adds a header (repeatable; names as sent). */
    public RequestBuilder header(String name, String value) {
        headers.add(new AbstractMap.SimpleImmutableEntry<>(name, value));
        return this;
    }

    public RequestBuilder id(String value) {
        id = value;
        return this;
    }

    public RequestBuilder protocol(String value) {
        protocol = value;
        return this;
    }

    public RequestBuilder remote(String addr, int port) {
        remoteAddr = addr;
        remotePort = port;
        return this;
    }

    public RequestBuilder local(String addr, int port) {
        localAddr = addr;
        localPort = port;
        return this;
    }

    public RequestBuilder tls() {
        tls = true;
        return this;
    }

    public RequestInfo build() {
        int q = uri.indexOf('?');
        String rawPath = q < 0 ? uri : uri.substring(0, q);
        String rawQuery = q < 0 ? "" : uri.substring(q + 1);
        String path = URLDecoder.decode(rawPath.replace("+", "%2B"), StandardCharsets.UTF_8);
        return new RequestInfo(id, method, uri, path, rawQuery, protocol, headers, remoteAddr, remotePort,
                localAddr, localPort, tls);
    }
}
