package io.wsbridge.http;

/** An upgrade the backend will not take: answered with this HTTP status instead of 101. */
public final class Refusal extends Exception {
    private final int status;

    public Refusal(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
