package io.wsbridge.websocket;

import io.wsbridge.http.RequestInfo;
import io.wsbridge.http.Refusal;

/** A rule an upgrade request must pass before any session strategy sees it (e.g. the allowed origins). */
@FunctionalInterface
public interface UpgradePolicy {
    UpgradePolicy ALLOW_ALL = request -> { };

    /** @throws Refusal when the request must be answered with an HTTP error instead of 101 */
    void check(RequestInfo request) throws Refusal;
}
