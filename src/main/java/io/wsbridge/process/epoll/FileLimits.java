package io.wsbridge.process.epoll;

import com.sun.jna.LastErrorException;

/** The open-files limit: each connection costs four descriptors (its socket and three pipes). */
public final class FileLimits {
    private FileLimits() {
    }

    /**
     * Raises the soft limit to the hard limit, as websocketd does, and returns the soft limit now in force
     * (-1 when it cannot be read).
     */
    public static long raiseToHardLimit() {
        if (!Posix.AVAILABLE) {
            return -1;
        }
        long[] limit = new long[2];
        try {
            Posix.getrlimit(Posix.RLIMIT_NOFILE, limit);
            if (limit[0] < limit[1]) {
                long[] raised = {limit[1], limit[1]};
                Posix.setrlimit(Posix.RLIMIT_NOFILE, raised);
                limit[0] = limit[1];
            }
            return limit[0];
        } catch (LastErrorException e) {
            return limit[0] > 0 ? limit[0] : -1;
        }
    }
}
