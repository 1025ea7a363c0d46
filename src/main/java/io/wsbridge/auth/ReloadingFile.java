package io.wsbridge.auth;

import io.wsbridge.logging.LogScope;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * A file read at start-up and again on SIGHUP ({@link #reload()}) or when it changes: its modification time,
 * size or inode is looked at, at most once a second, when a request needs it. A new version that does not
 * parse is logged and the previous one stays in force (a half-edited file never locks everyone out).
 */
final class ReloadingFile<T> {
    private static final LogScope LOG = LogScope.of("auth");
    private static final long CHECK_INTERVAL_NANOS = 1_000_000_000L;

    interface Reader<T> {
        T read(Path file) throws AuthFileException;
    }

    private record Version<T>(T value, Object stamp) {
    }

    private final Path file;
    private final Reader<T> reader;
    private volatile Version<T> current;
    private volatile long checkedAt;

    /** Reads the file now; a file that cannot be used stops start-up. */
    ReloadingFile(Path file, Reader<T> reader) throws AuthFileException {
        this.file = file;
        this.reader = reader;
        Object stamp = stamp();
        this.current = new Version<>(reader.read(file), stamp);
        this.checkedAt = System.nanoTime();
    }

    /** The version in force, re-read first when the file changed (looked at once a second at most). */
    T get() {
        long now = System.nanoTime();
        if (now - checkedAt >= CHECK_INTERVAL_NANOS) {
            checkedAt = now;
            Object stamp = stamp();
            if (stamp != null && !stamp.equals(current.stamp())) {
                load(stamp, "changed");
            }
        }
        return current.value();
    }

    /** SIGHUP: read it again whether or not it looks changed. */
    void reload() {
        checkedAt = System.nanoTime();
        load(stamp(), "SIGHUP");
    }

    private synchronized void load(Object stamp, String why) {
        if (stamp != null && stamp.equals(current.stamp()) && why.equals("changed")) {
            return; // another thread got there first
        }
        try {
            current = new Version<>(reader.read(file), stamp);
            LOG.info("Re-read {} ({})", file, why);
        } catch (AuthFileException e) {
            current = new Version<>(current.value(), stamp); // not again until it changes once more
            LOG.error("Keeping the previous version of {}: {}", file, e.getMessage());
        }
    }

    /** What tells versions apart: modification time, size and file key (inode), or null when unreadable. */
    private Object stamp() {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return a.lastModifiedTime().toMillis() + "/" + a.size() + "/" + a.fileKey();
        } catch (IOException e) {
            return null;
        }
    }
}
