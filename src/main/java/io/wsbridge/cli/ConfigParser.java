package io.wsbridge.cli;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * Turns argv into a validated {@link Config}, with websocketd's parsing rules: options stop at the first
 * positional argument (COMMAND) and everything after it belongs to COMMAND; "--flag value" and
 * "--flag=value" both work; booleans take no separate value ("--binary true" makes "true" the COMMAND)
 * but accept "--flag=true|false|1|0|t|f"; repeating a flag keeps the last value; "@file" is never expanded.
 */
public final class ConfigParser {
    /** What the command line asks for: run with a config, or print something and exit. */
    public sealed interface Outcome permits Run, Exit {
    }

    public record Run(Config config) implements Outcome {
    }

    /** Print {@code stdout}/{@code stderr} (either may be empty) and exit with {@code code}. */
    public record Exit(int code, String stdout, String stderr) implements Outcome {
    }

    private static final String SHORT_HELP = "Usage: wsbridge [options] COMMAND [command args]\n"
            + "Run 'wsbridge --help' for the list of options.\n";

    private final Map<String, String> environment;

    /** @param environment wsbridge's own environment (PATH lookup of COMMAND, --passenv) */
    public ConfigParser(Map<String, String> environment) {
        this.environment = environment;
    }

    public Outcome parse(String... args) {
        CliOptions options = new CliOptions();
        CommandLine cli = newCommandLine(options);
        try {
            cli.parseArgs(args);
        } catch (ParameterException e) {
            return new Exit(ExitCode.USAGE, "", e.getMessage() + "\n" + SHORT_HELP);
        }
        if (options.help) {
            return new Exit(ExitCode.OK, cli.getUsageMessage(), "");
        }
        if (options.version) {
            return new Exit(ExitCode.OK, Version.line() + "\n", "");
        }
        if (options.license) {
            return new Exit(ExitCode.OK, Version.line() + "\n\n" + License.TEXT, "");
        }
        if (args.length == 0) {
            return new Exit(ExitCode.INVALID_CONFIG, "", "Command line arguments are missing.\n" + SHORT_HELP);
        }
        try {
            return new Run(toConfig(options));
        } catch (ConfigException e) {
            return new Exit(e.exitCode(), "", e.getMessage() + "\n" + SHORT_HELP);
        }
    }

    /** The picocli model with websocketd's parsing rules; also used to generate the man page and completion. */
    public static CommandLine newCommandLine(CliOptions options) {
        CommandLine cli = new CommandLine(options);
        cli.setStopAtPositional(true);
        cli.setExpandAtFiles(false);
        cli.setPosixClusteredShortOptionsAllowed(false);
        cli.setOverwrittenOptionsAllowed(true);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.registerConverter(Boolean.class, ConfigParser::parseGoBool);
        cli.registerConverter(Boolean.TYPE, ConfigParser::parseGoBool);
        return cli;
    }

    private Config toConfig(CliOptions o) throws ConfigException {
        LogLevel level = LogLevel.parse(o.logLevel);
        if (level == null) {
            throw invalid("Incorrect loglevel flag '" + o.logLevel + "'. Use one of: debug, trace, access, info, "
                    + "error, fatal, none.");
        }
        if (o.port < 0 || o.port > 65535) {
            throw invalid("Invalid --port " + o.port + ": must be between 0 and 65535.");
        }
        int port = o.port == 0 ? 80 : o.port;
        for (String address : o.addresses) {
            if (address.isBlank()) {
                throw invalid("Invalid --address '': give an interface address such as 127.0.0.1 or [::1].");
            }
        }
        if (o.closeMs < 0) {
            throw invalid("Invalid --closems " + o.closeMs + ": must not be negative.");
        }
        long maxFrameSize = parseSize("--maxframesize", o.maxFrameSize);
        if (o.command.isEmpty()) {
            throw invalid("Please specify COMMAND.");
        }
        CommandSpec command = new CommandResolver(environment.getOrDefault("PATH", ""))
                .resolve(o.command.get(0), o.command.subList(1, o.command.size()));
        List<String> passEnv = Arrays.stream(o.passEnv.split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).toList();
        return new Config(new Config.Listen(port, o.addresses), command, o.binary, passEnv, o.closeMs,
                o.maxForks, maxFrameSize, level);
    }

    /** Go's strconv.ParseBool spellings, so "--binary=1" works as it does with websocketd. */
    static Boolean parseGoBool(String value) {
        switch (value) {
            case "1", "t", "T", "true", "TRUE", "True":
                return Boolean.TRUE;
            case "0", "f", "F", "false", "FALSE", "False":
                return Boolean.FALSE;
            default:
                throw new CommandLine.TypeConversionException("'" + value + "' is not a boolean (use true or false)");
        }
    }

    /** A byte count with an optional k, m or g suffix (powers of 1024). */
    static long parseSize(String flag, String text) throws ConfigException {
        String t = text.trim().toLowerCase(Locale.ROOT);
        long unit = 1;
        if (t.endsWith("b")) {
            t = t.substring(0, t.length() - 1);
        }
        if (t.endsWith("k")) {
            unit = 1L << 10;
        } else if (t.endsWith("m")) {
            unit = 1L << 20;
        } else if (t.endsWith("g")) {
            unit = 1L << 30;
        }
        if (unit != 1) {
            t = t.substring(0, t.length() - 1);
        }
        try {
            long n = Long.parseLong(t);
            if (n < 0) {
                throw new NumberFormatException();
            }
            return Math.multiplyExact(n, unit);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new ConfigException(ExitCode.USAGE, "Invalid value for option '" + flag + "': '" + text
                    + "' is not a size in bytes (e.g. 1048576, 512k, 16m; 0 for unlimited)");
        }
    }

    private static ConfigException invalid(String message) {
        return new ConfigException(ExitCode.INVALID_CONFIG, message);
    }

    /** Writes an {@link Exit}'s text where it belongs. */
    public static void print(Exit exit, PrintWriter out, PrintWriter err) {
        out.print(exit.stdout());
        out.flush();
        err.print(exit.stderr());
        err.flush();
    }
}
