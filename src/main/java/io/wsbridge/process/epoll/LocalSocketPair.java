package io.wsbridge.process.epoll;

import com.sun.jna.LastErrorException;
import java.io.IOException;

/**
 * A connected pair of Unix stream sockets (socketpair(2)), non-blocking and close-on-exec, that exist in this
 * process only: nothing listens, nothing outside can connect. The start-up rehearsal runs the server's real
 * socket code over it.
 */
public final class LocalSocketPair {
    private static final int SOCK_NONBLOCK = 0x800;
    private static final int SOCK_CLOEXEC = 0x80000;

    private LocalSocketPair() {
    }

    /** Whether the native binding is there to make one. */
    public static boolean available() {
        return Posix.AVAILABLE;
    }

    /** The two descriptors; the caller closes both. */
    public static int[] open() throws IOException {
        int[] sv = new int[2];
        try {
            Posix.socketpair(Posix.AF_UNIX, Posix.SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv);
        } catch (LastErrorException e) {
            throw new IOException("socketpair: " + Posix.strerror(e.getErrorCode()));
        }
        return sv;
    }
}
