package io.wsbridge.tls;

/** A certificate, key or CA file that cannot be used; the message says which and why. */
public final class TlsSetupException extends Exception {
    public TlsSetupException(String message) {
        super(message);
    }

    public TlsSetupException(String message, Throwable cause) {
        super(message, cause);
    }
}
