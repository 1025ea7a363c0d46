package io.wsbridge.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Another process's file descriptors (through /proc) and its open-files limit (through util-linux prlimit), to
 * make it run out of descriptors on purpose: with the soft limit at its lowest free descriptor number, the next
 * descriptor it asks for (accept, pipe) fails with EMFILE, while those it has keep working.
 */
public final class Descriptors {
    private Descriptors() {
    }

    public static boolean prlimitInstalled() {
        return Commands.onPath("prlimit");
    }

    /** The descriptor numbers open in {@code pid}. */
    public static List<Integer> open(long pid) {
        String[] names = new File("/proc/" + pid + "/fd").list();
        List<Integer> fds = new ArrayList<>();
        for (String n : names == null ? new String[0] : names) {
            fds.add(Integer.parseInt(n));
        }
        return fds;
    }

    /** What each open descriptor of {@code pid} is ("socket:[123]", "pipe:[456]", a path), by number. */
    public static java.util.Map<Integer, String> described(long pid) {
        java.util.Map<Integer, String> all = new java.util.TreeMap<>();
        for (int fd : open(pid)) {
            try {
                all.put(fd, Files.readSymbolicLink(Path.of("/proc/" + pid + "/fd/" + fd)).toString());
            } catch (IOException closedMeanwhile) {
                // gone
            }
        }
        return all;
    }

    /** The number the kernel would give the next descriptor of {@code pid}. */
    public static int firstFree(long pid) {
        List<Integer> open = open(pid);
        int fd = 0;
        while (open.contains(fd)) {
            fd++;
        }
        return fd;
    }

    /** The soft open-files limit of {@code pid}, as /proc shows it ("unlimited" or a number). */
    public static String softLimit(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/limits"))) {
            if (line.startsWith("Max open files")) {
                return line.substring("Max open files".length()).trim().split("\\s+")[0];
            }
        }
        throw new AssertionError("no open-files limit in /proc/" + pid + "/limits");
    }

    /** Sets the soft open-files limit of the running process {@code pid} (the hard limit stays). */
    public static void setSoftLimit(long pid, String soft) throws Exception {
        Process p = new ProcessBuilder("prlimit", "--pid", Long.toString(pid), "--nofile=" + soft + ":")
                .redirectErrorStream(true).start();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).as("prlimit done").isTrue();
        assertThat(p.exitValue()).as("prlimit: %s", new String(p.getInputStream().readAllBytes(),
                StandardCharsets.UTF_8)).isZero();
    }
}
