package io.wsbridge.cli;

import java.util.List;

/**
 * Everything the command line decided, validated and resolved once at start-up, then passed down.
 *
 * @param listen       where to accept connections
 * @param command      the program every WebSocket connection runs
 * @param binary       binary mode (--binary) instead of line mode
 * @param passEnv      names of wsbridge's own environment variables handed to children
 * @param closeMs      extra grace before the signal ladder (--closems)
 * @param maxForks     live children allowed at once; zero or less means unlimited
 * @param maxFrameSize largest inbound message in bytes; zero means unlimited
 * @param logLevel     least severe level that is logged
 */
public record Config(
        Listen listen,
        CommandSpec command,
        boolean binary,
        List<String> passEnv,
        long closeMs,
        int maxForks,
        long maxFrameSize,
        LogLevel logLevel) {

    public Config {
        passEnv = List.copyOf(passEnv);
    }

    public boolean forksLimited() {
        return maxForks > 0;
    }

    /**
     * @param port      TCP port (websocketd's 0 means 80)
     * @param addresses interface addresses as given; empty means every interface
     */
    public record Listen(int port, List<String> addresses) {
        public Listen {
            addresses = List.copyOf(addresses);
        }
    }
}
