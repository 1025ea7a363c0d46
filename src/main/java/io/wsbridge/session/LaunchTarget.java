package io.wsbridge.session;

import java.nio.file.Path;
import java.util.List;

/**
 * What one connection runs and how its URL maps onto it.
 *
 * @param displayName how the program is named in logs and argv[0]
 * @param executable  absolute path to execute
 * @param args        arguments after argv[0]
 * @param scriptName  SCRIPT_NAME: the URL path naming the program ("/" for a single COMMAND)
 * @param pathInfo    PATH_INFO: the rest of the URL path
 */
public record LaunchTarget(String displayName, Path executable, List<String> args, String scriptName,
                           String pathInfo) {
    public LaunchTarget {
        args = List.copyOf(args);
    }
}
