package io.wsbridge.systemd;

import com.sun.jna.LastErrorException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * sd_listen_fds(3): sockets systemd (or anything following its protocol) opened and passed in, starting at
 * descriptor 3, when $LISTEN_PID is this process and $LISTEN_FDS says how many. Each must be a listening
 * stream socket: TCP (IPv4/IPv6) or Unix.
 */
public final class SocketActivation {
    private static final int FIRST_FD = 3;

    /**
     * An inherited listening socket.
     *
     * @param unixPath for a Unix socket its path ("@name" for the abstract namespace, "" when unnamed)
     */
    public record Inherited(int fd, boolean unix, String unixPath) {
    }

    private SocketActivation() {
    }

    /** Whether the environment passes sockets to this process (read before anything else looks at it). */
    public static boolean requested(Map<String, String> environment, long pid) {
        String listenPid = environment.get("LISTEN_PID");
        String listenFds = environment.get("LISTEN_FDS");
        return listenPid != null && listenFds != null && listenPid.trim().equals(Long.toString(pid));
    }

    /** The inherited sockets; an unusable one is an error naming its descriptor. */
    public static List<Inherited> sockets(Map<String, String> environment) throws ActivationException {
        int count;
        try {
            count = Integer.parseInt(environment.get("LISTEN_FDS").trim());
        } catch (NumberFormatException e) {
            throw new ActivationException("LISTEN_FDS=" + environment.get("LISTEN_FDS") + " is not a number");
        }
        if (count < 1 || count > 64) {
            throw new ActivationException("LISTEN_FDS=" + count + ": expected 1 to 64 sockets");
        }
        List<Inherited> out = new ArrayList<>();
        for (int fd = FIRST_FD; fd < FIRST_FD + count; fd++) {
            out.add(inspect(fd));
        }
        return out;
    }

    private static Inherited inspect(int fd) throws ActivationException {
        int[] value = new int[1];
        int[] length = {4};
        try {
            Libc.getsockopt(fd, Libc.SOL_SOCKET, Libc.SO_TYPE, value, length);
            if (value[0] != Libc.SOCK_STREAM) {
                throw new ActivationException("inherited descriptor " + fd + " is not a stream socket");
            }
            Libc.getsockopt(fd, Libc.SOL_SOCKET, Libc.SO_ACCEPTCONN, value, length);
            if (value[0] == 0) {
                throw new ActivationException("inherited socket " + fd + " is not listening");
            }
            byte[] addr = new byte[128];
            int[] addrLength = {addr.length};
            Libc.getsockname(fd, addr, addrLength);
            int family = (addr[0] & 0xff) | (addr[1] & 0xff) << 8;
            if (family == Libc.AF_UNIX) {
                return new Inherited(fd, true, unixPath(addr, addrLength[0]));
            }
            if (family == Libc.AF_INET || family == Libc.AF_INET6) {
                return new Inherited(fd, false, null);
            }
            throw new ActivationException("inherited socket " + fd + " is of address family " + family
                    + " (expected TCP or Unix)");
        } catch (LastErrorException e) {
            throw new ActivationException("inherited descriptor " + fd + " is not a socket (errno "
                    + e.getErrorCode() + ")");
        }
    }

    /** sun_path of a sockaddr_un: NUL-terminated, or an abstract name after a leading NUL. */
    private static String unixPath(byte[] addr, int length) {
        int end = Math.min(length, addr.length);
        if (end <= 2) {
            return "";
        }
        if (addr[2] == 0) {
            return "@" + new String(addr, 3, end - 3, java.nio.charset.StandardCharsets.UTF_8);
        }
        int n = 2;
        while (n < end && addr[n] != 0) {
            n++;
        }
        return new String(addr, 2, n - 2, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The passed sockets cannot be used. */
    public static final class ActivationException extends Exception {
        ActivationException(String message) {
            super(message, null, false, false);
        }
    }
}
