package io.wsbridge.session;

import io.wsbridge.http.RequestInfo;
import io.wsbridge.http.Refusal;

/**
 * Decides what serves a WebSocket connection. This is where "one child per connection" lives (see
 * {@code ProcessPerConnection}); a shared-process mode would be another implementation.
 */
public interface BackendFactory {
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

    /** An accepted upgrade, before the 101 is sent. Exactly one of its methods is called. */
    interface PreparedSession {
        /** The 101 went out: start serving (failures are reported to the client as close frames). */
        Backend start(ClientEndpoint client);

        /** The upgrade did not happen after all: give back what was reserved. */
        void abandon();
    }
}
