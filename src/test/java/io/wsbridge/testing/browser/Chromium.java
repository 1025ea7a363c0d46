package io.wsbridge.testing.browser;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real headless Chromium with a fresh profile, driven over the DevTools protocol. One per test class:
 * {@link #launch} in {@code @BeforeAll}, {@link #close} in {@code @AfterAll} (kills the browser and every
 * process it started, and deletes the profile). A missing browser is a test failure, never a skip: CI
 * installs Debian's {@code chromium} (see .ci/run).
 */
public final class Chromium implements AutoCloseable {
    /** Where Debian's package puts it; {@code -Dwsbridge.chromium=PATH} points elsewhere. */
    public static final String DEFAULT_PATH = "/usr/bin/chromium";

    static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final Path home;
    private final Cdp cdp;

    private Chromium(Process process, Path home, Cdp cdp) {
        this.process = process;
        this.home = home;
        this.cdp = cdp;
    }

    /** Starts the browser; {@code extraFlags} are added to the fixed set (e.g. a certificate to trust). */
    public static Chromium launch(String... extraFlags) throws Exception {
        Path binary = Path.of(System.getProperty("wsbridge.chromium", DEFAULT_PATH));
        if (!Files.isExecutable(binary)) {
            throw new AssertionError("Chromium is needed for the browser tests and is not at " + binary
                    + ": install Debian's chromium package (apt-get install chromium; .ci/run does this)");
        }
        Path home = Files.createTempDirectory("wsbridge-chromium-");
        Path profile = Files.createDirectory(home.resolve("profile"));
        Path log = home.resolve("chromium.log");
        List<String> command = new ArrayList<>(List.of(binary.toString(),
                "--headless=new", "--no-sandbox", "--disable-gpu",
                // The machine's network is closed: every background connection Chromium would try is turned off.
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-extensions", "--disable-default-apps", "--mute-audio",
                "--password-store=basic", "--window-size=1024,768",
                "--remote-debugging-port=0", "--user-data-dir=" + profile));
        command.addAll(List.of(extraFlags));
        command.add("about:blank");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        // Its temporary files go inside home too, so that close() leaves nothing behind.
        builder.environment().put("TMPDIR", Files.createDirectory(home.resolve("tmp")).toString());
        Process process = builder.start();
        try {
            URI endpoint = devToolsEndpoint(process, profile, log);
            return new Chromium(process, home, Cdp.connect(endpoint, CALL_TIMEOUT));
        } catch (Throwable e) {
            kill(process, 0);
            deleteTree(home);
            throw e;
        }
    }

    /** Chromium writes its port and the browser target's path to DevToolsActivePort once it listens. */
    private static URI devToolsEndpoint(Process process, Path profile, Path log) throws Exception {
        Path portFile = profile.resolve("DevToolsActivePort");
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            if (Files.exists(portFile)) {
                List<String> lines = Files.readAllLines(portFile);
                if (lines.size() >= 2 && !lines.get(1).isBlank()) {
                    return URI.create("ws://127.0.0.1:" + lines.get(0).trim() + lines.get(1).trim());
                }
            }
            if (!process.isAlive()) {
                throw new AssertionError("Chromium exited with " + process.exitValue() + " at start-up:\n" + tail(log));
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Chromium did not open its DevTools port within " + START_TIMEOUT
                        + ":\n" + tail(log));
            }
            Thread.sleep(20);
        }
    }

    /** A new tab (its own target and DevTools session); close it when the test is done. */
    public BrowserPage newPage() throws Exception {
        Map<String, Object> created = cdp.call(null, "Target.createTarget", Map.of("url", "about:blank"),
                CALL_TIMEOUT);
        String targetId = (String) created.get("targetId");
        Map<String, Object> attached = cdp.call(null, "Target.attachToTarget",
                Map.of("targetId", targetId, "flatten", true), CALL_TIMEOUT);
        return new BrowserPage(cdp, targetId, (String) attached.get("sessionId"));
    }

    /** The browser's own output (for failure messages). */
    public String log() {
        return tail(home.resolve("chromium.log"));
    }

    @Override
    public void close() {
        List<ProcessHandle> family = process.descendants().toList();
        try {
            if (cdp.isOpen()) {
                cdp.call(null, "Browser.close", Map.of(), Duration.ofSeconds(5));
            }
        } catch (Throwable ignored) {
            // the browser may already be going away; the kill below makes sure
        } finally {
            cdp.close();
            kill(process, 5);
            family.forEach(ProcessHandle::destroyForcibly);
            deleteTree(home);
        }
    }

    /** Waits {@code graceSeconds} for the browser to exit by itself, then SIGTERM, then SIGKILL. */
    private static void kill(Process process, int graceSeconds) {
        try {
            if (!process.waitFor(graceSeconds, TimeUnit.SECONDS)) {
                process.destroy();
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** Deletes the profile; Chromium's helpers may still be writing for a moment, so a few attempts. */
    private static void deleteTree(Path root) {
        for (int attempt = 0; attempt < 20 && Files.exists(root); attempt++) {
            try (Stream<Path> walk = Files.walk(root)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            } catch (IOException e) {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private static String tail(Path log) {
        try {
            String text = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "(no output)";
            return text.length() > 4000 ? text.substring(text.length() - 4000) : text;
        } catch (IOException e) {
            return "(could not read " + log + ": " + e + ")";
        }
    }
}
