package io.wsbridge.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The opening handshake's checks (RFC 6455 4.2.1) and the accept key (4.2.2), as tables. */
class HandshakeRulesTest {
    private static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";

    @ParameterizedTest(name = "{0} {1} Connection: {2} key {3} -> {4}")
    @CsvSource(delimiter = '|', value = {
        "GET  | HTTP/1.1 | Upgrade            | dGhlIHNhbXBsZSBub25jZQ==   | ok",
        "GET  | HTTP/1.1 | keep-alive, Upgrade | dGhlIHNhbXBsZSBub25jZQ==  | ok",
        "GET  | HTTP/1.1 | UPGRADE            | ' dGhlIHNhbXBsZSBub25jZQ== ' | ok",
        "POST | HTTP/1.1 | Upgrade            | dGhlIHNhbXBsZSBub25jZQ==   | refused",
        "GET  | HTTP/1.0 | Upgrade            | dGhlIHNhbXBsZSBub25jZQ==   | refused",
        "GET  | HTTP/1.1 | keep-alive         | dGhlIHNhbXBsZSBub25jZQ==   | refused",
        "GET  | HTTP/1.1 |                    | dGhlIHNhbXBsZSBub25jZQ==   | refused",
        "GET  | HTTP/1.1 | Upgrade            |                            | refused",
        "GET  | HTTP/1.1 | Upgrade            | short                      | refused",
        "GET  | HTTP/1.1 | Upgrade            | AAAAAAAAAAAAAAAAAAAAAAAAAAAA | refused",
    })
    void handshakeChecks(String method, String version, String connection, String key, String expected) {
        HttpRequest request = new DefaultHttpRequest(HttpVersion.valueOf(version), HttpMethod.valueOf(method), "/");
        if (connection != null) {
            request.headers().set("Connection", connection);
        }
        String problem = WebSocketUpgrade.handshakeProblem(request, key);
        assertThat(problem == null ? "ok" : "refused").as("problem: %s", problem).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({
        "dGhlIHNhbXBsZSBub25jZQ==, s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", // RFC 6455's own example
        "' dGhlIHNhbXBsZSBub25jZQ== ', s3pPLMBiTxaQ9kYGzzhZRbK+xOo=",
    })
    void acceptKey(String key, String accept) {
        assertThat(WebSocketUpgrade.acceptKey(key)).isEqualTo(accept);
    }
}
