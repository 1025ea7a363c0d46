package io.wsbridge.process;

/** Linux signal numbers used by the kill ladder. */
public final class Signals {
    public static final int SIGHUP = 1;
    public static final int SIGINT = 2;
    public static final int SIGQUIT = 3;
    public static final int SIGKILL = 9;
    public static final int SIGPIPE = 13;
    public static final int SIGTERM = 15;

    private Signals() {
    }

    public static String name(int signal) {
        return switch (signal) {
            case SIGHUP -> "SIGHUP";
            case SIGINT -> "SIGINT";
            case SIGQUIT -> "SIGQUIT";
            case 6 -> "SIGABRT";
            case SIGKILL -> "SIGKILL";
            case 11 -> "SIGSEGV";
            case SIGPIPE -> "SIGPIPE";
            case SIGTERM -> "SIGTERM";
            default -> "signal " + signal;
        };
    }
}
