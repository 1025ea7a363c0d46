package io.wsbridge.process;

/** A child could not be started; the message says why in a few words (it becomes a close reason). */
public final class LaunchException extends Exception {
    public LaunchException(String message) {
        super(message);
    }

    public LaunchException(String message, Throwable cause) {
        super(message, cause);
    }
}
