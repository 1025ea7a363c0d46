package io.wsbridge.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The lines of an htpasswd or token file that say something: blank lines and # comments are skipped. */
final class AuthFileLines {
    /** Reads one meaningful line; {@code at} is "FILE:LINE: ", to start a message about it. */
    interface LineReader {
        void read(String line, String at) throws AuthFileException;
    }

    private AuthFileLines() {
    }

    static void forEach(Path file, LineReader reader) throws AuthFileException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AuthFileException(file + ": cannot read: " + e);
        }
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (!line.isEmpty() && !line.startsWith("#")) {
                reader.read(line, file + ":" + (i + 1) + ": ");
            }
        }
    }
}
