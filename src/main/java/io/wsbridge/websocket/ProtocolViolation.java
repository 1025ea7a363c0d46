package io.wsbridge.websocket;

/** The client broke the protocol (or a limit): the connection is closed with this code and reason. */
public final class ProtocolViolation extends RuntimeException {
    private final int code;

    public ProtocolViolation(int code, String reason) {
        super(reason, null, false, false);
        this.code = code;
    }

    public int code() {
        return code;
    }
}
