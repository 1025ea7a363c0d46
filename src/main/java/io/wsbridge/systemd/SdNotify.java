package io.wsbridge.systemd;

import com.sun.jna.LastErrorException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * sd_notify(3) without libsystemd: one datagram to the Unix socket named by $NOTIFY_SOCKET (a path, or
 * "@name" for the abstract namespace), e.g. "READY=1" once listening and "STOPPING=1" at shutdown, for units
 * with Type=notify. Without $NOTIFY_SOCKET it does nothing; a failure to send is reported, never fatal.
 */
public final class SdNotify {
    private static final int SUN_PATH = 108;

    private final byte[] address;
    private final int addressLength;

    private SdNotify(byte[] address, int addressLength) {
        this.address = address;
        this.addressLength = addressLength;
    }

    /** From $NOTIFY_SOCKET, or null when it is not set (or names something other than a Unix socket). */
    public static SdNotify fromEnvironment(Map<String, String> environment) {
        String socket = environment.get("NOTIFY_SOCKET");
        if (socket == null || socket.isEmpty() || !(socket.startsWith("/") || socket.startsWith("@"))) {
            return null;
        }
        byte[] path = socket.getBytes(StandardCharsets.UTF_8);
        if (path.length >= SUN_PATH) {
            return null;
        }
        byte[] addr = new byte[2 + SUN_PATH];
        addr[0] = (byte) Libc.AF_UNIX; // sa_family_t, little-endian
        System.arraycopy(path, 0, addr, 2, path.length);
        int length;
        if (path[0] == '@') {
            addr[2] = 0; // abstract namespace: a leading NUL, and the length counts exactly the name
            length = 2 + path.length;
        } else {
            length = 2 + path.length + 1;
        }
        return new SdNotify(addr, length);
    }

    /** Sends one notification ("READY=1", "STOPPING=1", "STATUS=...", several joined by newlines). */
    public void send(String state) throws NotifyException {
        byte[] message = state.getBytes(StandardCharsets.UTF_8);
        int fd;
        try {
            fd = Libc.socket(Libc.AF_UNIX, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0);
        } catch (LastErrorException e) {
            throw new NotifyException("socket: errno " + e.getErrorCode());
        }
        try {
            Libc.sendto(fd, message, message.length, Libc.MSG_NOSIGNAL, address, addressLength);
        } catch (LastErrorException e) {
            throw new NotifyException("sendto $NOTIFY_SOCKET: errno " + e.getErrorCode());
        } finally {
            Libc.close(fd);
        }
    }

    /** A notification could not be sent. */
    public static final class NotifyException extends Exception {
        NotifyException(String message) {
            super(message, null, false, false);
        }
    }
}
