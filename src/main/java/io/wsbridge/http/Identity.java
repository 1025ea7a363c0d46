package io.wsbridge.http;

import io.netty.util.AttributeKey;

/**
 * Who the request in progress on a connection authenticated as, set by the authentication stage in front of
 * the router (for the one request it lets through at a time) and read into {@link RequestInfo}.
 *
 * @param authType AUTH_TYPE: Basic, Bearer or Forward
 * @param user     REMOTE_USER, "" when the method names nobody
 */
public record Identity(String authType, String user) {
    public static final AttributeKey<Identity> KEY = AttributeKey.valueOf(Identity.class, "identity");
}
