package io.wsbridge.cli;

/** Process exit codes, the same as websocketd's so scripts and unit files can tell failures apart. */
public final class ExitCode {
    /** Normal end, --help, --version, --license. */
    public static final int OK = 0;
    /** The flags parse but the configuration is invalid (missing COMMAND, bad combination, ...). */
    public static final int INVALID_CONFIG = 1;
    /** Unknown flag or a value that does not parse. */
    public static final int USAGE = 2;
    /** A listening socket could not be opened. */
    public static final int CANNOT_LISTEN = 3;
    /** Mutually exclusive features requested together (--devconsole with --staticdir/--cgidir). */
    public static final int CONFLICT = 4;

    private ExitCode() {
    }
}
