package io.wsbridge.server;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How many sessions and connections the open-files limit allows, decided once at start-up so that accept()
 * never runs into EMFILE in normal operation: a client beyond the budget gets a prompt 429 (no fork slot) or
 * 503 (no connection slot) instead of waiting in the backlog while accept fails.
 *
 * <p>A session costs four descriptors (its socket and the child's three pipes), a plain connection one. What
 * the JVM holds already is counted, and {@link #RESERVE} more are kept for what it opens later (class files,
 * event loop descriptors, a static file being sent, the sockets of up to {@link AcceptErrors#OVER_BUDGET}
 * connections refused over the budget, the pipes of programs being started).
 *
 * @param maxForks       the --maxforks in force: the given one, lowered to what the limit allows (0: unlimited)
 * @param maxConnections open connections allowed at once (0: unlimited)
 * @param openFilesLimit the hard limit (the soft one is raised to it at start-up), or -1 when unknown
 */
record DescriptorBudget(int maxForks, int maxConnections, long openFilesLimit) {
    static final int RESERVE = 24;
    private static final int PER_SESSION = 4;

    /** @param requestedForks --maxforks (0 or less: unlimited) */
    static DescriptorBudget measure(int requestedForks) {
        long limit = hardLimit();
        String[] open = new File("/proc/self/fd").list();
        if (limit <= 0 || open == null) {
            return new DescriptorBudget(requestedForks, 0, -1);
        }
        return of(requestedForks, limit, open.length);
    }

    /** The budget for a limit and the descriptors already open (a pure rule, for tests). */
    static DescriptorBudget of(int requestedForks, long limit, int inUse) {
        long spare = Math.max(0, limit - inUse - RESERVE);
        if (spare > Integer.MAX_VALUE / 2) {
            return new DescriptorBudget(requestedForks, 0, limit); // effectively unlimited
        }
        int forksAllowed = (int) Math.max(1, spare / PER_SESSION);
        int forks = requestedForks > 0 ? Math.min(requestedForks, forksAllowed) : forksAllowed;
        // Every session's socket is a connection too; the rest of the spare descriptors serve plain ones.
        int connections = (int) Math.max(1, spare - (long) forks * (PER_SESSION - 1));
        return new DescriptorBudget(forks, connections, limit);
    }

    boolean capsForks(int requestedForks) {
        return maxForks > 0 && (requestedForks <= 0 || maxForks < requestedForks);
    }

    /** "Max open files  soft  hard  files" from /proc/self/limits; -1 when unknown or unlimited. */
    private static long hardLimit() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max open files")) {
                    String[] f = line.substring("Max open files".length()).trim().split("\\s+");
                    return f[1].equals("unlimited") ? -1 : Long.parseLong(f[1]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or an unexpected format: no budget
        }
        return -1;
    }
}
