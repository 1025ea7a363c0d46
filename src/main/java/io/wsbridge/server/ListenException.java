package io.wsbridge.server;

/** A listening socket could not be opened (port in use, bad address, ...): wsbridge exits with 3. */
public final class ListenException extends Exception {
    public ListenException(String message, Throwable cause) {
        super(message, cause);
    }
}
