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
        try {
            Path p = dir.resolve(name);
            Files.writeString(p, "#!/bin/sh\n" + body + "\n");
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
