package io.wsbridge.cli;

import java.nio.file.Path;
import java.util.List;

/**
 * The program to run for each connection, resolved on PATH at start-up.
 *
 * @param name       how the user named it, resolved the way a shell would ("cat" becomes "/usr/bin/cat",
 *                   "./count.sh" stays as written); used as argv[0] and in logs, as websocketd does
 * @param executable absolute path that is executed
 * @param args       arguments after COMMAND, passed through untouched
 */
public record CommandSpec(String name, Path executable, List<String> args) {
    public CommandSpec {
        args = List.copyOf(args);
    }
}
