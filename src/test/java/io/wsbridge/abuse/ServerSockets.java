package io.wsbridge.abuse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** The kernel's view (/proc/net/tcp, tcp6): sockets on a server port other than the listener. */
final class ServerSockets {
    private ServerSockets() {
    }

    /** Server-side TCP sockets of {@code port} in any state but LISTEN (ESTABLISHED, FIN_WAIT1, CLOSE_WAIT...). */
    static int connected(int port) {
        String local = String.format(Locale.ROOT, ":%04X", port);
        int n = 0;
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            try {
                for (String line : Files.readAllLines(Path.of(table))) {
                    String[] f = line.trim().split("\\s+");
                    // sl local_address rem_address st ...; TIME_WAIT (06) holds no buffers and is the normal end
                    if (f.length > 3 && f[1].endsWith(local) && !f[3].equals("0A") && !f[3].equals("06")) {
                        n++;
                    }
                }
            } catch (IOException e) {
                // no IPv6 table
            }
        }
        return n;
    }
}
