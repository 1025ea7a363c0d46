package io.wsbridge.auth;

import java.util.List;
import java.util.Map;

/** What authentication decided about one request. */
sealed interface Decision {
    /**
     * @param authType           AUTH_TYPE for the program: Basic, Bearer or Forward
     * @param user               REMOTE_USER ("" when the method names nobody)
     * @param consumedCredential the Authorization header was ours (Basic, Bearer) and is removed, so programs
     *                           never see the secret
     */
    record Allow(String authType, String user, boolean consumedCredential) implements Decision {
    }

    /**
     * @param status  401, 403 or 503
     * @param reason  for the access log: never contains the secret
     * @param headers extra response headers (WWW-Authenticate)
     */
    record Deny(int status, String reason, List<Map.Entry<String, String>> headers) implements Decision {
        Deny(int status, String reason) {
            this(status, reason, List.of());
        }
    }
}
