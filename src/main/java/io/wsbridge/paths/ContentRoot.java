package io.wsbridge.paths;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Optional;

/**
 * A directory that URLs are mapped onto, and the rules that keep them inside it: no segment may start with
 * "." (dotfiles and dot-directories are never reached; for files, the one exception is the top-level
 * "/.well-known/" of RFC 8615, which ACME http-01 challenges and security.txt need), and whatever is found must really be inside the
 * directory once every symlink is resolved (a symlink may point elsewhere inside it, never outside). Files are
 * then used through their real path, so a symlink changed after the check leads nowhere new.
 *
 * <p>The checks are a handful of stat calls, made on the event loop, as websocketd makes them on its request
 * goroutine. Someone who can write into the directory can still race a check (replace a file between stat
 * and open); the directory is trusted content, the URL is not.
 */
public final class ContentRoot {
    /** RFC 8615's directory of site-wide metadata: the only dot-directory whose files are served. */
    private static final String WELL_KNOWN = ".well-known";

    private final Path root;

    /** @param directory an existing directory; its real path becomes the root */
    public ContentRoot(Path directory) throws IOException {
        this.root = directory.toRealPath();
    }

    public Path path() {
        return root;
    }

    /** Whether a real (symlink-free) path is the root or inside it. */
    public boolean contains(Path realPath) {
        return realPath.startsWith(root);
    }

    /**
     * A regular file found by walking a URL path (websocketd's --dir rule, also used for CGI).
     *
     * @param file       the file as named by the URL, under the root (for logs and argv[0])
     * @param realPath   where it really is (inside the root)
     * @param scriptName the URL path up to and including the file (SCRIPT_NAME)
     * @param pathInfo   the rest of the URL path ("" when nothing follows; PATH_INFO)
     */
    public record Script(Path file, Path realPath, String scriptName, String pathInfo) {
    }

    /** What a whole URL path names. */
    public record Entry(Path realPath, BasicFileAttributes attributes) {
        public boolean isDirectory() {
            return attributes.isDirectory();
        }
    }

    /**
     * Walks the segments from the root: directories are entered, and the first regular file ends the walk (the
     * rest of the path becomes PATH_INFO). Empty when the path names nothing, ends on a directory, reaches
     * something that is neither file nor directory, has a dot segment, or leaves the root.
     */
    public Optional<Script> findScript(UrlPath url) {
        Path current = root;
        int n = url.segments().size();
        for (int i = 0; i < n; i++) {
            String segment = url.segments().get(i);
            if (segment.startsWith(".")) {
                return Optional.empty();
            }
            current = resolve(current, segment);
            BasicFileAttributes attrs = current == null ? null : attributes(current);
            if (attrs == null) {
                return Optional.empty();
            }
            if (attrs.isDirectory()) {
                continue;
            }
            if (!attrs.isRegularFile()) {
                return Optional.empty();
            }
            Path real = realInside(current);
            if (real == null) {
                return Optional.empty();
            }
            return Optional.of(new Script(current, real, url.prefix(i + 1), url.suffix(i + 1)));
        }
        return Optional.empty();
    }

    /**
     * The file or directory that the whole path names, by its real path; empty when it does not exist, has a
     * dot segment (other than a leading "/.well-known"), is neither file nor directory, or is really outside the root.
     */
    public Optional<Entry> find(UrlPath url) {
        Path current = root;
        List<String> segments = url.segments();
        for (int i = 0; i < segments.size(); i++) {
            String segment = segments.get(i);
            if (segment.startsWith(".") && !(i == 0 && segment.equals(WELL_KNOWN))) {
                return Optional.empty();
            }
            current = resolve(current, segment);
            if (current == null) {
                return Optional.empty();
            }
        }
        BasicFileAttributes attrs = attributes(current);
        if (attrs == null || !(attrs.isRegularFile() || attrs.isDirectory())) {
            return Optional.empty();
        }
        Path real = realInside(current);
        return real == null ? Optional.empty() : Optional.of(new Entry(real, attrs));
    }

    /** A regular file directly inside a directory this root already vouched for (index.html). */
    public Optional<Entry> child(Path realDirectory, String name) {
        Path candidate = resolve(realDirectory, name);
        BasicFileAttributes attrs = candidate == null ? null : attributes(candidate);
        if (attrs == null || !attrs.isRegularFile()) {
            return Optional.empty();
        }
        Path real = realInside(candidate);
        return real == null ? Optional.empty() : Optional.of(new Entry(real, attrs));
    }

    private static Path resolve(Path dir, String name) {
        try {
            return dir.resolve(name);
        } catch (InvalidPathException e) {
            return null;
        }
    }

    private Path realInside(Path p) {
        try {
            Path real = p.toRealPath();
            return contains(real) ? real : null;
        } catch (IOException | SecurityException e) {
            return null;
        }
    }

    /** Attributes following symlinks; null when it does not exist or cannot be read. */
    private static BasicFileAttributes attributes(Path p) {
        try {
            return Files.readAttributes(p, BasicFileAttributes.class);
        } catch (IOException | SecurityException e) {
            return null;
        }
    }
}
