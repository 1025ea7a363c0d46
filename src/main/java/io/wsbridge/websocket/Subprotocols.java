package io.wsbridge.websocket;

import java.util.List;

/**
 * --subprotocol: the subprotocols wsbridge accepts. The client lists what it speaks in
 * Sec-WebSocket-Protocol, most preferred first (RFC 6455 4.1); the first of those that is accepted here is
 * chosen, echoed in the 101 and given to the program as WEBSOCKET_PROTOCOL. Names are compared exactly
 * (they are case-sensitive tokens). Without --subprotocol, what clients offer is ignored, as websocketd does.
 */
public final class Subprotocols {
    /** The outcome for one handshake. */
    public sealed interface Choice permits NotNegotiated, Chosen, NoneAcceptable {
    }

    /** --subprotocol is not in use: no Sec-WebSocket-Protocol in the answer. */
    public record NotNegotiated() implements Choice {
    }

    public record Chosen(String protocol) implements Choice {
    }

    /** The client offered nothing we accept: the upgrade is refused with 400 and this reason. */
    public record NoneAcceptable(String reason) implements Choice {
    }

    private final List<String> accepted;

    public Subprotocols(List<String> accepted) {
        this.accepted = List.copyOf(accepted);
    }

    /** @param offers every Sec-WebSocket-Protocol header value of the request (each may list several) */
    public Choice choose(List<String> offers) {
        if (accepted.isEmpty()) {
            return new NotNegotiated();
        }
        for (String header : offers) {
            for (String token : header.split(",")) {
                String offered = token.trim();
                if (!offered.isEmpty() && accepted.contains(offered)) {
                    return new Chosen(offered);
                }
            }
        }
        String accepts = String.join(", ", accepted);
        return new NoneAcceptable(offers.isEmpty()
                ? "a Sec-WebSocket-Protocol is required; this server speaks " + accepts
                : "none of the offered subprotocols is supported; this server speaks " + accepts);
    }
}
