package io.wsbridge.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The command-line surface, spelled exactly as websocketd's (Go's flag package accepts both "-flag" and
 * "--flag", so every option has both names). Raw values only: {@link ConfigParser} validates them and
 * builds the immutable {@link Config}. This class is also the model the man page and completions come from.
 */
@Command(name = "wsbridge",
        usageHelpWidth = 100,
        headerHeading = "%n",
        header = "Turn any program that reads stdin and writes stdout into a WebSocket server.",
        synopsisHeading = "%nUsage:%n  ",
        customSynopsis = {
                "wsbridge [options] COMMAND [command args]",
                "",
                "Each WebSocket connection runs COMMAND in its own process: every text message received becomes",
                "a line on its stdin, every line it prints on stdout is sent back as a message."
        },
        optionListHeading = "%nOptions:%n",
        footerHeading = "%n",
        footer = {"Run 'wsbridge --license' for the license. Documentation: README.md."})
public final class CliOptions {

    @Option(names = {"--port", "-port"}, paramLabel = "PORT",
            description = "HTTP port to listen on (0 means 80). Default: 80.")
    public int port;

    @Option(names = {"--address", "-address"}, paramLabel = "ADDRESS",
            description = {"Interface address to bind to; repeat the flag for several.",
                    "IPv6 addresses in square brackets, e.g. [::1]. Default: all interfaces."})
    public List<String> addresses = new ArrayList<>();

    @Option(names = {"--binary", "-binary"},
            description = {"Binary mode: binary messages go to stdin as they are, and whatever the",
                    "program writes is sent back as binary messages. Default: false (line mode)."})
    public boolean binary;

    @Option(names = {"--passenv", "-passenv"}, paramLabel = "VAR[,VAR...]",
            description = {"Environment variables of wsbridge passed on to COMMAND (all others are",
                    "withheld). Default: PATH,LD_LIBRARY_PATH."})
    public String passEnv = "PATH,LD_LIBRARY_PATH";

    @Option(names = {"--closems", "-closems"}, paramLabel = "MS",
            description = {"Extra time (C) a program gets to finish after its client goes away: stdin is",
                    "closed, then SIGINT after 100+C ms, SIGTERM after 350+2C, SIGKILL after 850+3C,",
                    "to its whole process group. Default: 0."})
    public long closeMs;

    @Option(names = {"--maxforks", "-maxforks"}, paramLabel = "N",
            description = {"Most programs running at once; further upgrades get 429 Too Many Requests.",
                    "Zero or less means unlimited. Default: 1024."})
    public int maxForks = 1024;

    @Option(names = {"--maxframesize", "-maxframesize"}, paramLabel = "BYTES",
            description = {"Largest message accepted from a client (bytes; k, m and g suffixes allowed);",
                    "larger ones are refused with close code 1009. 0 means unlimited. Default: 1m."})
    public String maxFrameSize = "1m";

    @Option(names = {"--loglevel", "-loglevel"}, paramLabel = "LEVEL",
            description = {"Log level, from most to least verbose: debug, trace, access, info, error,",
                    "fatal, none. Default: access."})
    public String logLevel = "access";

    @Option(names = {"--help", "-help", "-h"}, usageHelp = true, description = "Print this help and exit.")
    public boolean help;

    @Option(names = {"--version", "-version"}, versionHelp = true, description = "Print the version and exit.")
    public boolean version;

    @Option(names = {"--license", "-license"}, description = "Print the license and exit.")
    public boolean license;

    @Parameters(paramLabel = "COMMAND", arity = "0..*",
            description = "Program to run for each connection, then its arguments (passed as they are).")
    public List<String> command = new ArrayList<>();
}
