package io.wsbridge.cli;

/** A configuration the server cannot run with; carries the exit code to leave with. */
public final class ConfigException extends Exception {
    private final int exitCode;

    public ConfigException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
