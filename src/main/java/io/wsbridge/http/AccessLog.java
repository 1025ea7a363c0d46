package io.wsbridge.http;

import io.wsbridge.logging.LogScope;

/** One ACCESS line per plain HTTP request or refused upgrade: url, remote address, status, and what it was. */
public final class AccessLog {
    private static final LogScope HTTP = LogScope.of("http");

    private AccessLog() {
    }

    public static void log(RequestInfo request, int status, String what) {
        HTTP.with("url", request.url())
                .with("id", request.id())
                .with("remote", request.remoteAddr())
                .with("status", status)
                .access(what);
    }
}
