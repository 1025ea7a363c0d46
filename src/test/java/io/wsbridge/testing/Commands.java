package io.wsbridge.testing;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a command to completion with a bounded wait and returns its exit code and output. */
public final class Commands {
    private Commands() {
    }

    public record Result(int code, String stdout, String stderr) {
        public Result assertOk(String what) {
            if (code != 0) {
                throw new AssertionError(what + " exited " + code + "\nstdout: " + stdout + "\nstderr: " + stderr);
            }
            return this;
        }
    }

    public static Result run(List<String> command) throws IOException, InterruptedException {
        return run(command, null, null, 120);
    }

    /**
     * @param environment the whole environment of the command (null: this JVM's)
     * @param directory   working directory (null: this JVM's)
     */
    public static Result run(List<String> command, Map<String, String> environment, Path directory, long seconds)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command);
        if (environment != null) {
            pb.environment().clear();
            pb.environment().putAll(environment);
        }
        if (directory != null) {
            pb.directory(directory.toFile());
        }
        File out = File.createTempFile("cmd", ".out");
        File err = File.createTempFile("cmd", ".err");
        try {
            Process p = pb.redirectOutput(out).redirectError(err).redirectInput(ProcessBuilder.Redirect.from(
                    new File("/dev/null"))).start();
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError(command + " still running after " + seconds + " s");
            }
            return new Result(p.exitValue(), Files.readString(out.toPath(), StandardCharsets.UTF_8),
                    Files.readString(err.toPath(), StandardCharsets.UTF_8));
        } finally {
            out.delete();
            err.delete();
        }
    }

    /** Whether a program is on this JVM's PATH. */
    public static boolean onPath(String program) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, program))) {
                return true;
            }
        }
        return false;
    }
}
