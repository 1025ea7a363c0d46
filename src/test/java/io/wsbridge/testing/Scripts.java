package io.wsbridge.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Writes small executable shell scripts for tests. */
public final class Scripts {
    private Scripts() {
    }

    /** Creates {@code dir/name} with a #!/bin/sh line and {@code body}, mode 755. */
    public static Path sh(Path dir, String name, String body) {
        return script(dir, name, "#!/bin/sh\n" + body + "\n");
    }

    /** Creates {@code dir/name} as a Python 3 program (found on PATH), mode 755. */
    public static Path python(Path dir, String name, String body) {
        return script(dir, name, "#!/usr/bin/env python3\n" + body + "\n");
    }

    private static Path script(Path dir, String name, String text) {
        try {
            Path p = dir.resolve(name);
            Files.writeString(p, text);
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
