package io.wsbridge.http;

/**
 * Who the request in progress on a connection authenticated as: the authentication stage in front of the router
 * (the pipeline's {@value #STAGE} handler, which lets one request through at a time) knows, and
 * {@link RequestInfos} reads it into {@link RequestInfo}. Looked up by the stage's name, so that without
 * authentication not even this type is loaded.
 *
 * @param authType AUTH_TYPE: Basic, Bearer or Forward
 * @param user     REMOTE_USER, "" when the method names nobody
 */
public record Identity(String authType, String user) {
    /** The name of the authentication stage in every pipeline that has one. */
    public static final String STAGE = "auth";

    /** Implemented by the authentication stage. */
    public interface Source {
        /** The identity of the request it let through last, or null. */
        Identity identity();
    }
}
