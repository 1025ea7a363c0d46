package io.wsbridge.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Finds COMMAND the way a shell (and Go's exec.LookPath) does, once, at start-up. */
final class CommandResolver {
    private final String searchPath;

    CommandResolver(String searchPath) {
        this.searchPath = searchPath;
    }

    CommandSpec resolve(String name, List<String> args) throws ConfigException {
        if (name.isEmpty()) {
            throw notFound(name);
        }
        if (name.contains("/")) {
            return new CommandSpec(name, checkExecutable(name, Path.of(name)), args);
        }
        ConfigException firstProblem = null;
        for (String dir : searchPath.split(":")) {
            if (dir.isEmpty()) {
                continue; // an empty entry would mean the current directory: not searched, as in Go
            }
            Path candidate = Path.of(dir, name);
            if (Files.exists(candidate)) {
                try {
                    Path exe = checkExecutable(name, candidate);
                    return new CommandSpec(candidate.toString(), exe, args);
                } catch (ConfigException e) {
                    firstProblem = firstProblem == null ? e : firstProblem;
                }
            }
        }
        throw firstProblem != null ? firstProblem : notFound(name);
    }

    private static Path checkExecutable(String name, Path path) throws ConfigException {
        if (!Files.exists(path)) {
            throw notFound(name);
        }
        if (Files.isDirectory(path)) {
            throw new ConfigException(ExitCode.INVALID_CONFIG,
                    "COMMAND '" + name + "' is a directory, not a program.");
        }
        if (!Files.isExecutable(path)) {
            throw new ConfigException(ExitCode.INVALID_CONFIG,
                    "COMMAND '" + name + "' is not executable (permission denied): chmod +x it.");
        }
        return path.toAbsolutePath().normalize();
    }

    private static ConfigException notFound(String name) {
        return new ConfigException(ExitCode.INVALID_CONFIG,
                "Unable to locate specified COMMAND '" + name + "' in OS path.");
    }
}
