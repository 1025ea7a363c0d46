package io.wsbridge.server;

import io.wsbridge.cli.ExitCode;

/**
 * The server cannot start: a listening socket could not be opened (port in use, bad address, ...: exit 3), or
 * a file the configuration names turned out unusable when read (an htpasswd line: exit 1).
 */
public final class ListenException extends Exception {
    private final int exitCode;

    public ListenException(String message, Throwable cause) {
        this(message, cause, ExitCode.CANNOT_LISTEN);
    }

    ListenException(String message, Throwable cause, int exitCode) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }

    /**
     * A failed bind in Go's words, which websocketd prints and scripts grep for ("bind: address already in
     * use"), from the JDK's "Address already in use" or Netty's "bind(..) failed with error(-98): Address
     * already in use".
     */
    static String bindFailure(Throwable cause) {
        String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        int failed = message.indexOf("(..) failed");
        int reason = failed < 0 ? -1 : message.indexOf(": ", failed);
        if (reason >= 0) {
            message = message.substring(reason + 2);
        }
        if (message.isEmpty()) {
            return "bind failed";
        }
        String go = "bind: " + Character.toLowerCase(message.charAt(0)) + message.substring(1);
        return go.equals("bind: address already in use") ? go + " (another program is listening there)" : go;
    }
}
