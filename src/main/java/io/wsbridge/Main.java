package io.wsbridge;

import io.wsbridge.cli.Config;
import io.wsbridge.cli.ConfigParser;
import io.wsbridge.cli.ExitCode;
import io.wsbridge.logging.LogScope;
import io.wsbridge.logging.LogSetup;
import io.wsbridge.server.ListenException;
import io.wsbridge.server.WsbridgeServer;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import sun.misc.Signal;

/** wsbridge: parse the command line, serve, and shut down in order on SIGTERM or SIGINT (exit 0). */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        applyJvmDefaults();
        StartupPreload preload = StartupPreload.startUnlessPrintOnly(args);
        ConfigParser.Outcome outcome = new ConfigParser(System.getenv()).parse(args);
        if (outcome instanceof ConfigParser.Exit exit) {
            ConfigParser.print(exit, new PrintWriter(System.out, true, StandardCharsets.UTF_8),
                    new PrintWriter(System.err, true, StandardCharsets.UTF_8));
            System.exit(exit.code());
            return;
        }
        Config config = ((ConfigParser.Run) outcome).config();
        preload.awaitLogging();
        LogSetup.apply(config.logLevel());
        WsbridgeServer server = new WsbridgeServer(config, System.getenv());
        // The stop signals are handled from before the server listens: a client may connect and a SIGTERM follow
        // as soon as it does, and the JVM's default would end it with 143 instead of an orderly stop. A stop asked
        // for while the server starts waits until it has started. Each signal's handler runs in a thread of its
        // own, so a TERM and an INT that arrive together race: only the first starts the shutdown.
        CountDownLatch started = new CountDownLatch(1);
        Thread stopper = new Thread(() -> {
            awaitUninterruptibly(started);
            server.shutdown();
        }, "wsbridge-shutdown");
        AtomicBoolean stopping = new AtomicBoolean();
        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), signal -> {
                if (stopping.compareAndSet(false, true)) {
                    stopper.start();
                }
            });
        }
        try {
            server.start();
        } catch (ListenException e) {
            LogScope.of("server").fatal("Can't start server: {}", e.getMessage());
            System.exit(e.exitCode());
            return;
        }
        started.countDown();
        if (server.reloadable()) {
            // Re-read what can change under a running server (auth files); connections in flight keep going.
            // Without such files SIGHUP keeps its default (the JVM exits), as websocketd's does.
            Signal.handle(new Signal("HUP"), signal -> server.reload());
        }
        try {
            server.awaitTermination();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        System.exit(ExitCode.OK);
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        boolean interrupted = false;
        while (true) {
            try {
                latch.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Library settings for a production server; each stays as given when set with -D on the command line. */
    private static void applyJvmDefaults() {
        // Netty 4.2 reports buffer allocations as JFR events; setting that machinery up costs a fresh server
        // tens of milliseconds on its first connections.
        defaultProperty("io.netty.jfr.enabled", "false");
        // Netty's leak detector records a stack trace for one buffer in 128: worth it in tests (which run the
        // server in-process, with it on), not in every production server.
        defaultProperty("io.netty.leakDetection.level", "disabled");
        // Netty 4.2's default allocator is the adaptive one, but wsbridge uses the pooled allocator (its buffers
        // suit a pipe-and-socket bridge); make it the default too so the unused one is never built.
        defaultProperty("io.netty.allocator.type", "pooled");
        // With java.nio opened to it (the jar's manifest does that for java -jar), Netty allocates direct memory
        // without the JDK's zeroing: a pool chunk is 4 MB, and zeroing made all of it resident on the first
        // connection of each event loop; untouched, only what is used becomes resident.
        defaultProperty("io.netty.tryReflectionSetAccessible", "true");
        // The Redis client of --roombus records a JFR event per command unless told not to (slow to set up, unused).
        defaultProperty("io.lettuce.core.jfr", "false");
        // JNA's library search path: left unset, JNA fills it at its first use by running `/sbin/ldconfig -p` (a
        // fork and exec at every start, and a child that a JVM stopping at once leaves unreaped). wsbridge only
        // loads libc.so.6, which the system's loader finds by its soname without any search path.
        defaultProperty("jna.platform.library.path", "");
        // SLF4J would scan the class path for logging providers; ours sets logback up directly.
        if (defaultProperty("slf4j.provider", "io.wsbridge.logging.WsbridgeLogProvider")) {
            defaultProperty("slf4j.internal.verbosity", "WARN"); // no note on stderr about the above
        }
    }

    /** Sets {@code name} unless it is set already; true when it was set here. */
    private static boolean defaultProperty(String name, String value) {
        if (System.getProperty(name) != null) {
            return false;
        }
        System.setProperty(name, value);
        return true;
    }
}
