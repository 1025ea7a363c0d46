package io.wsbridge.process;

/**
 * How a child ended: an exit code, or the signal that killed it.
 *
 * @param code   exit code when {@code signal == 0}
 * @param signal the terminating signal, or 0 when it exited normally
 */
public record ExitStatus(int code, int signal) {

    /** Decodes a wait(2) status word. */
    public static ExitStatus fromWaitStatus(int status) {
        int termSig = status & 0x7f;
        if (termSig == 0) {
            return new ExitStatus((status >> 8) & 0xff, 0);
        }
        return new ExitStatus(0, termSig);
    }

    public static ExitStatus exited(int code) {
        return new ExitStatus(code, 0);
    }

    public boolean success() {
        return signal == 0 && code == 0;
    }

    /** "exit status 3" or "killed by signal 15 (SIGTERM)"; short enough for a close reason. */
    public String describe() {
        if (signal == 0) {
            return "exit status " + code;
        }
        return "killed by signal " + signal + " (" + Signals.name(signal) + ")";
    }
}
