package io.wsbridge.roombus;

/** Redis could not be reached (or is unusable) when the bus was started; the message names the bus URL. */
public final class BusUnavailableException extends Exception {
    BusUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
