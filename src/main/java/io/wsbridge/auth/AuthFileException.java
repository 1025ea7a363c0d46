package io.wsbridge.auth;

/** An htpasswd or token file that cannot be used; the message names the file and line. */
public final class AuthFileException extends Exception {
    public AuthFileException(String message) {
        super(message, null, false, false);
    }
}
