package io.wsbridge.process;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * --linebuffered: environment variables that make common runtimes flush stdout at every newline without
 * changing the program. A pipe makes C's stdio, and everything built on it, buffer output in blocks of 4-64
 * KiB, so lines arrive late and all at once. Python is told with PYTHONUNBUFFERED=1; programs using C stdio
 * get coreutils' stdbuf mechanism: its libstdbuf.so preloaded with _STDBUF_O=L calls setvbuf before main.
 * Neither helps a statically linked program or one that sets its own buffering.
 */
public final class LineBuffering {
    /** Where distributions put coreutils' libstdbuf.so (Debian/Ubuntu/Alpine, Fedora/RHEL, Arch/others). */
    static final List<Path> STDBUF_LIBRARIES = List.of(
            Path.of("/usr/libexec/coreutils/libstdbuf.so"),
            Path.of("/usr/lib64/coreutils/libstdbuf.so"),
            Path.of("/usr/lib/coreutils/libstdbuf.so"),
            Path.of("/usr/local/libexec/coreutils/libstdbuf.so"));

    /**
     * @param variables NAME=value entries for every program's environment
     * @param stdbuf    the libstdbuf.so found, or null (then only runtimes with their own switch are helped)
     */
    public record Setup(List<String> variables, Path stdbuf) {
        public Setup {
            variables = List.copyOf(variables);
        }
    }

    private LineBuffering() {
    }

    /**
     * @param inherited LD_PRELOAD the programs get anyway (passed with --passenv), or null: kept after ours
     */
    public static Setup setup(List<Path> candidates, String inherited) {
        List<String> vars = new ArrayList<>(List.of("PYTHONUNBUFFERED=1"));
        Path stdbuf = candidates.stream().filter(Files::isReadable).findFirst().orElse(null);
        if (stdbuf != null) {
            boolean keep = inherited != null && !inherited.isBlank();
            vars.add("LD_PRELOAD=" + stdbuf + (keep ? ":" + inherited.trim() : ""));
            vars.add("_STDBUF_O=L");
        }
        return new Setup(vars, stdbuf);
    }

    /** The setup for this system, keeping an LD_PRELOAD that --passenv hands on. */
    public static Setup forSystem(List<String> passEnv, Map<String, String> ownEnvironment) {
        return setup(STDBUF_LIBRARIES, passEnv.contains("LD_PRELOAD") ? ownEnvironment.get("LD_PRELOAD") : null);
    }
}
