package io.wsbridge.process;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * What to execute: the program, argv (argv[0] included), the complete environment, already encoded as
 * the NUL-free byte strings exec wants, and the working directory (null: wsbridge's own).
 */
public record LaunchSpec(Path executable, List<String> argv, List<String> environment, Path workingDirectory) {
    public LaunchSpec {
        argv = List.copyOf(argv);
        environment = List.copyOf(environment);
    }

    /** Runs in wsbridge's working directory (as websocketd runs WebSocket programs). */
    public LaunchSpec(Path executable, List<String> argv, List<String> environment) {
        this(executable, argv, environment, null);
    }

    public byte[] executableBytes() {
        return cString(executable.toString());
    }

    public static byte[] cString(String s) {
        byte[] raw = s.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[raw.length + 1];
        System.arraycopy(raw, 0, out, 0, raw.length);
        return out;
    }
}
