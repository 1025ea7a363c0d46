package io.wsbridge.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where a running process has mapped a shared library from, as /proc/PID/maps says: the path of the file, with
 * " (deleted)" after it when the file was removed after loading (as JNA and Netty do with what they extract).
 */
public final class MappedLibraries {
    /** JNA's native stub, as its file is named wherever it is loaded from (an extracted copy is "jnaNNN..."). */
    public static final String JNA = "libjnidispatch.so";
    /** Netty's epoll library for x86_64, as shipped; an extracted copy has digits before ".so". */
    public static final String NETTY_EPOLL = "libnetty_transport_native_epoll_x86_64.so";

    private MappedLibraries() {
    }

    /** The path of the first mapping whose file name starts with {@code prefix}, if any. */
    public static Optional<String> pathOf(long pid, String prefix) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "maps"))) {
            int slash = line.indexOf('/');
            if (slash < 0) {
                continue;
            }
            String path = line.substring(slash);
            String name = path.substring(path.lastIndexOf('/') + 1);
            if (name.startsWith(prefix)) {
                return Optional.of(path);
            }
        }
        return Optional.empty();
    }

    /** The mapping of JNA's stub: named libjnidispatch.so when shipped, jnaNNN when JNA extracted it. */
    public static Optional<String> jna(long pid) throws IOException {
        Optional<String> shipped = pathOf(pid, "libjnidispatch");
        return shipped.isPresent() ? shipped : pathOf(pid, "jna");
    }

    /** The mapping of Netty's epoll library, shipped or extracted. */
    public static Optional<String> nettyEpoll(long pid) throws IOException {
        return pathOf(pid, "libnetty_transport_native_epoll");
    }
}
