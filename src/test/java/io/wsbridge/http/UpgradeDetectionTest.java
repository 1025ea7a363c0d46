package io.wsbridge.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which requests go to the WebSocket upgrade (the rest of the handshake is checked there). */
class UpgradeDetectionTest {
    @ParameterizedTest(name = "Upgrade: {0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "websocket           | true",
        "WebSocket           | true",
        "h2c, websocket      | true",
        "h2c                 | false",
        "websockets          | false",
        "                    | false",
    })
    void upgradeDetection(String upgrade, boolean expected) {
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");
        if (upgrade != null) {
            request.headers().set("Upgrade", upgrade);
        }
        assertThat(HttpRequestRouter.isWebSocketUpgrade(request)).isEqualTo(expected);
    }
}
