package io.wsbridge.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.wsbridge.testing.Client;
import io.wsbridge.testing.RawWebSocket;
import io.wsbridge.testing.Scripts;
import io.wsbridge.testing.TestServer;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** --subprotocol: negotiation in the handshake, WEBSOCKET_PROTOCOL for the program, 400 for no match. */
@Timeout(60)
class SubprotocolTest {
    @TempDir
    Path dir;

    private Path protocolThenEcho() {
        return Scripts.sh(dir, "proto.sh", """
                echo "WEBSOCKET_PROTOCOL=${WEBSOCKET_PROTOCOL-unset}"
                exec cat
                """);
    }

    private static Map<String, String> offering(String value) {
        return Map.of("Sec-WebSocket-Protocol", value);
    }

    @Test
    void theClientsFirstAcceptableOfferIsChosenAndGivenToTheProgram() throws Exception {
        try (TestServer server = TestServer.start("--subprotocol=chat,superchat", protocolThenEcho().toString());
             Client client = Client.connect(server.url("/"), HttpClient.newHttpClient(), "superchat", "chat")) {
            assertThat(client.ws().getSubprotocol()).isEqualTo("superchat");
            assertThat(client.nextText(10)).isEqualTo("WEBSOCKET_PROTOCOL=superchat");
            client.send("hi");
            assertThat(client.nextText(10)).isEqualTo("hi");
        }
    }

    @Test
    void offersAreTokensAcrossCommasAndRepeatedHeaders() throws Exception {
        try (TestServer server = TestServer.start("--subprotocol=chat,v1.json", protocolThenEcho().toString())) {
            try (RawWebSocket ws = RawWebSocket.connect(server.port(), "/", offering("v2, , chat ,v1.json"), 0)) {
                assertThat(ws.handshake().header("Sec-WebSocket-Protocol")).isEqualTo("chat");
                assertThat(ws.readMessage(Duration.ofSeconds(10)).text()).isEqualTo("WEBSOCKET_PROTOCOL=chat");
            }
            // Two header lines (the second smuggled in after a CRLF): the first acceptable offer overall.
            try (RawWebSocket ws = RawWebSocket.connect(server.port(), "/",
                    offering("mqtt\r\nSec-WebSocket-Protocol: v1.json, chat"), 0)) {
                assertThat(ws.handshake().header("Sec-WebSocket-Protocol")).isEqualTo("v1.json");
            }
        }
    }

    @Test
    void aClientOfferingNoneOfThemIsRefusedWith400() throws Exception {
        try (TestServer server = TestServer.start("--subprotocol=chat,superchat", "cat")) {
            for (String offer : new String[] {"mqtt", "CHAT", "chat2", " ", "superchat;q=1", "\"chat\""}) {
                RawWebSocket.HttpReply r = RawWebSocket.tryUpgrade(server.port(), "/", offering(offer));
                assertThat(r.status()).as(offer).isEqualTo(400);
                assertThat(r.body()).as(offer).isEqualTo("400 none of the offered subprotocols is supported; "
                        + "this server speaks chat, superchat\n");
                assertThat(r.header("Sec-WebSocket-Protocol")).isNull();
            }
            RawWebSocket.HttpReply none = RawWebSocket.tryUpgrade(server.port(), "/", Map.of());
            assertThat(none.status()).isEqualTo(400);
            assertThat(none.body()).contains("a Sec-WebSocket-Protocol is required");
            assertThat(server.liveChildren()).isZero();
        }
    }

    @Test
    void withoutTheFlagOffersAreIgnoredAsWebsocketdDoes() throws Exception {
        try (TestServer server = TestServer.start(protocolThenEcho().toString());
             RawWebSocket ws = RawWebSocket.connect(server.port(), "/", offering("chat"), 0)) {
            assertThat(ws.handshake().status()).isEqualTo(101);
            assertThat(ws.handshake().header("Sec-WebSocket-Protocol")).isNull();
            assertThat(ws.readMessage(Duration.ofSeconds(10)).text()).isEqualTo("WEBSOCKET_PROTOCOL=unset");
        }
    }
}
