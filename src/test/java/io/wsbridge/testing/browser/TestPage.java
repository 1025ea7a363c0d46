package io.wsbridge.testing.browser;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The page the browser tests run in, served by wsbridge itself ({@code --staticdir}) so that it has a real
 * http(s) origin on the server's own host and port: a blank index.html that loads probe.js (the JavaScript
 * helpers: record(), within(), bytesOf(), ...).
 */
public final class TestPage {
    private TestPage() {
    }

    /** Creates {@code dir} with index.html and probe.js, for {@code --staticdir=dir}. */
    public static Path writeTo(Path dir) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("index.html"), """
                    <!DOCTYPE html>
                    <html lang="en"><head><meta charset="utf-8"><title>wsbridge browser test</title>
                    <link rel="icon" href="data:,">
                    <script src="probe.js"></script></head><body></body></html>
                    """);
            try (InputStream probe = TestPage.class.getResourceAsStream("probe.js")) {
                if (probe == null) {
                    throw new IllegalStateException("probe.js is missing from the test resources");
                }
                Files.write(dir.resolve("probe.js"), probe.readAllBytes());
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
