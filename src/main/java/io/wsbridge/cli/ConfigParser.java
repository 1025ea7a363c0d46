package io.wsbridge.cli;

import io.wsbridge.framing.Framing;
import io.wsbridge.logging.LogLevel;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;

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
        FlagParser.Parsed parsed;
        try {
            parsed = FlagParser.parse(args);
        } catch (FlagParser.UsageException e) {
            return new Exit(ExitCode.USAGE, "", e.getMessage() + "\n" + SHORT_HELP);
        }
        Layers layers = null;
        if (parsed.has("config") && !parsed.has("help") && !parsed.has("version") && !parsed.has("license")) {
            try {
                layers = Layers.read(parsed); // the TOML classes are loaded only here
            } catch (ConfigException e) {
                return new Exit(e.exitCode(), "", e.getMessage() + "\n");
            }
            parsed = layers.merged();
        }
        CliOptions options = CliOptions.from(parsed);
        if (options.help) {
            CommandLine.Model.CommandSpec spec = CliSpec.build();
            return new Exit(ExitCode.OK, HelpText.render(spec, HelpText.width(environment, spec)), "");
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
        Config config;
        try {
            config = toConfig(options);
        } catch (ConfigException e) {
            if (layers != null) {
                String located = layers.locate(e.getMessage());
                if (located != null) {
                    return new Exit(ExitCode.INVALID_CONFIG, "", located + "\n");
                }
            }
            return new Exit(e.exitCode(), "", e.getMessage() + "\n" + SHORT_HELP);
        }
        if (options.printConfig) {
            Layers from = layers;
            FlagParser.Parsed line = parsed;
            return new Exit(ExitCode.OK, PrintConfig.render(options, name -> from != null ? from.origin(name)
                    : line.has(name) || name.equals("command") ? "command line" : null), "");
        }
        return new Run(config);
    }

    /**
     * The command line over a config file: what the line gives wins (a list given there replaces the file's list;
     * a COMMAND there replaces the file's command).
     */
    private record Layers(ConfigFile.Contents file, FlagParser.Parsed commandLine, FlagParser.Parsed merged) {
        static Layers read(FlagParser.Parsed commandLine) throws ConfigException {
            String path = commandLine.get("config");
            ConfigFile.Contents file = ConfigFile.read(path == null ? "" : path);
            Map<String, Object> values = new LinkedHashMap<>(file.values());
            values.putAll(commandLine.values());
            List<String> command = commandLine.command().isEmpty() ? file.command() : commandLine.command();
            return new Layers(file, commandLine, new FlagParser.Parsed(values, command));
        }

        /** FILE:LINE for a value from the file, "command line", or null for a default. */
        String origin(String name) {
            boolean onLine = name.equals("command") ? !commandLine.command().isEmpty() : commandLine.has(name);
            if (onLine) {
                return "command line";
            }
            boolean inFile = name.equals("command") ? !file.command().isEmpty() : file.values().containsKey(name);
            return inFile ? file.where(name) : null;
        }

        /**
         * The message of a problem with the configuration, prefixed with FILE:LINE of the file's options it names
         * (--name), or null when it names none of them.
         */
        String locate(String message) {
            StringBuilder where = new StringBuilder();
            for (String name : file.values().keySet()) {
                if (!commandLine.has(name) && mentions(message, "--" + name)) {
                    where.append(where.length() == 0 ? "" : ", ").append(file.where(name));
                }
            }
            if (commandLine.command().isEmpty() && message.contains("COMMAND")) {
                // the file's command, or the file that lacks one
                where.append(where.length() == 0 ? "" : ", ")
                        .append(file.command().isEmpty() ? file.path() : file.where("command"));
            }
            return where.length() == 0 ? null : where + ": " + message;
        }

        private static boolean mentions(String message, String flag) {
            int i = message.indexOf(flag);
            while (i >= 0) {
                int end = i + flag.length();
                if (end == message.length() || !(Character.isLetterOrDigit(message.charAt(end))
                        || message.charAt(end) == '-')) {
                    return true;
                }
                i = message.indexOf(flag, end);
            }
            return false;
        }
    }

    /**
     * picocli's model of the command line, for --help, the man page and the completions. It is set up to parse as
     * {@link FlagParser} does (stop at COMMAND, no @file expansion, no clustering, last value wins, Go's
     * booleans), so completions and anything else that parses with it agree.
     */
    public static CommandLine newCommandLine() {
        CommandLine cli = new CommandLine(CliSpec.build());
        cli.setStopAtPositional(true);
        cli.setExpandAtFiles(false);
        cli.setPosixClusteredShortOptionsAllowed(false);
        cli.setOverwrittenOptionsAllowed(true);
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
        Config.Tls tls = tls(o);
        Config.Listen listen = listen(o, tls.enabled());
        Config.Endpoints endpoints = endpoints(o);
        Config.WebSocket websocket = websocket(o);
        if (o.maxPerIp < 0) {
            throw invalid("Invalid --maxperip " + o.maxPerIp + ": must not be negative (0 means no limit).");
        }
        Config.Access access = new Config.Access(Options.origins(o.origin), o.sameOrigin,
                Options.trustedProxies(o.trustProxy), o.maxPerIp);
        Config.Headers headers = new Config.Headers(Options.headers("--header", o.header),
                Options.headers("--header-ws", o.headerWs), Options.headers("--header-http", o.headerHttp));
        if (o.closeMs < 0) {
            throw invalid("Invalid --closems " + o.closeMs + ": must not be negative.");
        }
        List<String> passEnv = Options.list(o.passEnv);
        Config.Children children = new Config.Children(passEnv, o.closeMs, o.maxForks, o.reverseLookup,
                o.lineBuffered);
        return new Config(listen, tls, endpoints, websocket, access, headers, children, level, rooms(o), auth(o),
                o.metrics == null ? null : Options.metrics(o.metrics));
    }

    private static Config.Rooms rooms(CliOptions o) throws ConfigException {
        boolean roomFlags = o.changed("roomjson", "roomhistory", "roomlinger", "roommaxclients", "clientbuffer",
                "slowclient");
        boolean busFlags = o.changed("roombus", "roombus-password-file", "roombus-lease");
        if (!o.rooms) {
            if (roomFlags) {
                throw invalid("--roomjson, --roomhistory, --roomlinger, --roommaxclients, --clientbuffer and "
                        + "--slowclient only apply with --rooms.");
            }
            if (busFlags) {
                throw invalid("--roombus, --roombus-password-file and --roombus-lease only apply with --rooms.");
            }
            return Config.Rooms.OFF;
        }
        if (o.roomHistory < 0 || o.roomLinger < 0 || o.roomMaxClients < 0) {
            throw invalid("Invalid room setting: --roomhistory, --roomlinger and --roommaxclients must not be "
                    + "negative.");
        }
        if (o.roomJson && (o.binary || o.passStderr || o.framing != null && !o.framing.equals("lines"))) {
            throw invalid("--roomjson speaks JSON lines: not with --binary, --passstderr or --framing.");
        }
        if (o.dir == null && o.command.isEmpty()) {
            throw invalid("--rooms needs a COMMAND or --dir.");
        }
        long clientBuffer = parseSize("--clientbuffer", o.clientBuffer);
        if (clientBuffer == 0) {
            throw invalid("Invalid --clientbuffer 0: a client must be able to hold at least one message.");
        }
        Config.SlowClient slow = switch (o.slowClient.trim().toLowerCase(Locale.ROOT)) {
            case "close" -> Config.SlowClient.CLOSE;
            case "drop" -> Config.SlowClient.DROP;
            case "wait" -> Config.SlowClient.WAIT;
            default -> throw invalid("Invalid --slowclient '" + o.slowClient + "': use close, drop or wait.");
        };
        return new Config.Rooms(true, o.roomJson, o.roomHistory, o.roomLinger, o.roomMaxClients, clientBuffer,
                slow, bus(o));
    }

    /** --roombus (see {@link BusOptions}); null when not given. */
    private static Config.Bus bus(CliOptions o) throws ConfigException {
        if (o.roomBus == null) {
            if (o.changed("roombus-password-file", "roombus-lease")) {
                throw invalid("--roombus-password-file and --roombus-lease only apply with --roombus.");
            }
            return null;
        }
        return BusOptions.parse(o.roomBus, o.roomBusPasswordFile, o.roomBusLease);
    }

    private static Config.Auth auth(CliOptions o) throws ConfigException {
        boolean any = o.basicAuth != null || o.tokenFile != null || o.authUrl != null;
        if (o.authTimeoutMs <= 0) {
            throw invalid("Invalid --authtimeoutms " + o.authTimeoutMs + ": must be positive.");
        }
        if (o.authCacheMs < 0) {
            throw invalid("Invalid --authcachems " + o.authCacheMs + ": must not be negative.");
        }
        if (!quotable(o.authRealm)) {
            throw invalid("Invalid --authrealm '" + o.authRealm + "': no quotes, backslashes or control characters.");
        }
        if (!any) {
            return null; // and no Auth class loaded
        }
        return new Config.Auth(o.basicAuth == null ? null : Options.readableFile("--basicauth", o.basicAuth),
                o.tokenFile == null ? null : Options.readableFile("--tokenfile", o.tokenFile),
                o.authUrl == null ? null : Options.authUrl(o.authUrl), o.authRealm, o.authTimeoutMs, o.authCacheMs);
    }

    /** Fits in a quoted WWW-Authenticate parameter as it is (a plain loop: no stream classes at start-up). */
    private static boolean quotable(String realm) {
        if (realm.isEmpty()) {
            return false;
        }
        for (int i = 0; i < realm.length(); i++) {
            char c = realm.charAt(i);
            if (c == '"' || c == '\\' || c < 0x20 || c == 0x7f) {
                return false;
            }
        }
        return true;
    }

    private static Config.Tls tls(CliOptions o) throws ConfigException {
        if (!o.ssl) {
            if (o.sslCert != null || o.sslKey != null || o.sslCa != null) {
                throw invalid("You should not be using --ssl* flags when there is no --ssl option.");
            }
            return Config.Tls.OFF;
        }
        if (o.sslCert == null || o.sslKey == null) {
            throw invalid("Please specify both --sslcert and --sslkey when requesting --ssl.");
        }
        return new Config.Tls(true, Options.readableFile("--sslcert", o.sslCert),
                Options.readableFile("--sslkey", o.sslKey),
                o.sslCa == null ? null : Options.readableFile("--sslca", o.sslCa));
    }

    private static Config.Listen listen(CliOptions o, boolean ssl) throws ConfigException {
        Options.checkPort("--port", o.port);
        Options.checkPort("--redirport", o.redirPort);
        for (String address : o.addresses) {
            if (address.isBlank()) {
                throw invalid("Invalid --address '': give an interface address such as 127.0.0.1 or [::1].");
            }
        }
        int port = o.port != 0 ? o.port : ssl ? 443 : 80;
        if (o.redirPort != 0 && o.redirPort == port) {
            throw invalid("--redirport " + o.redirPort + " is the main port; pick another one.");
        }
        Path unix = o.unixSocket == null ? null : Path.of(o.unixSocket).toAbsolutePath().normalize();
        boolean tcp = unix == null || o.port != 0 || !o.addresses.isEmpty() || o.redirPort != 0;
        if (o.headerTimeoutMs <= 0) {
            throw invalid("Invalid --headertimeoutms " + o.headerTimeoutMs + ": must be positive.");
        }
        return new Config.Listen(port, o.addresses, tcp, unix, o.redirPort, o.headerTimeoutMs);
    }

    private Config.Endpoints endpoints(CliOptions o) throws ConfigException {
        boolean hasCommand = !o.command.isEmpty();
        if (!hasCommand && o.dir == null && o.staticDir == null && o.cgiDir == null) {
            throw invalid("Please specify COMMAND or provide --dir, --staticdir or --cgidir argument.");
        }
        if (hasCommand && o.dir != null) {
            throw invalid("Ambiguous: provided COMMAND and --dir argument, please only specify one.");
        }
        if (o.devConsole && (o.staticDir != null || o.cgiDir != null)) {
            throw new ConfigException(ExitCode.CONFLICT, "Invalid parameters: --devconsole cannot be used with "
                    + (o.staticDir != null ? "--staticdir" : "--cgidir") + ". Pick one.");
        }
        CommandSpec command = hasCommand ? new CommandResolver(environment.getOrDefault("PATH", ""))
                .resolve(o.command.get(0), o.command.subList(1, o.command.size())) : null;
        return new Config.Endpoints(command, Options.directory("--dir", o.dir),
                Options.directory("--staticdir", o.staticDir), Options.directory("--cgidir", o.cgiDir),
                o.devConsole);
    }

    private static Config.WebSocket websocket(CliOptions o) throws ConfigException {
        if (o.binary && o.passStderr) {
            throw invalid("Please only specify one of --binary and --passstderr.");
        }
        if (o.pingMs < 0) {
            throw invalid("Invalid --pingms " + o.pingMs + ": must not be negative.");
        }
        Framing framing = Framing.parse(o.framing);
        if (framing == null) {
            throw invalid("Invalid --framing '" + o.framing + "': use lines, nul or lengthprefixed.");
        }
        if (framing != Framing.LINES && (o.binary || o.passStderr)) {
            throw invalid("--framing=" + framing.flagValue() + " cannot be combined with "
                    + (o.binary ? "--binary" : "--passstderr") + ".");
        }
        long maxFrameSize = parseSize("--maxframesize", o.maxFrameSize);
        if (framing == Framing.LENGTH_PREFIXED && (maxFrameSize == 0 || maxFrameSize > Framing.MAX_LENGTH_PREFIXED)) {
            maxFrameSize = Framing.MAX_LENGTH_PREFIXED; // what a 31-bit length can announce
        }
        return new Config.WebSocket(o.binary, o.passStderr, framing, maxFrameSize, o.pingMs,
                Options.subprotocols(o.subprotocols), o.compress);
    }

    /** The same spellings as FlagParser (Go's strconv.ParseBool), for picocli's model. */
    static Boolean parseGoBool(String value) {
        Boolean parsed = FlagParser.parseGoBool(value);
        if (parsed == null) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a boolean (use true or false)");
        }
        return parsed;
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

    static ConfigException invalid(String message) {
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
