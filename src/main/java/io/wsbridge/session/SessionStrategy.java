package io.wsbridge.session;

import io.wsbridge.http.Refusal;
import io.wsbridge.http.RequestInfo;

/**
 * Decides what serves a WebSocket connection: "one program per connection" ({@link ProcessPerConnection},
 * websocketd's model) or "one program per room".
 */
public interface SessionStrategy {
    /**
     * Checks an upgrade request before it is answered (and reserves what it needs, e.g. a fork slot).
     *
     * @throws Refusal when the request must get an HTTP error instead of 101
     */
    default PreparedSession prepare(RequestInfo request) throws Refusal {
        return prepare(request, null);
    }

    /**
     * The same, for a handshake that negotiated a subprotocol (--subprotocol).
     *
     * @param subprotocol the chosen subprotocol, or null when none was negotiated
     */
    PreparedSession prepare(RequestInfo request, String subprotocol) throws Refusal;

    /** The server is shutting down: whatever outlives its clients on purpose (a lingering room) ends now. */
    default void shutdown() {
    }

    /** An accepted upgrade, before the 101 is sent. Exactly one of its methods is called. */
    interface PreparedSession {
        /** The 101 went out: start serving (failures are reported to the client as close frames). */
        ClientEvents start(ClientEndpoint client);

        /** The upgrade did not happen after all: give back what was reserved. */
        void abandon();
    }
}
