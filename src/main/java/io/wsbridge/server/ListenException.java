package io.wsbridge.server;

/** A listening socket could not be opened (port in use, bad address, ...): wsbridge exits with 3. */
public final class ListenException extends Exception {
    public ListenException(String message, Throwable cause) {
        super(message, cause);
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
