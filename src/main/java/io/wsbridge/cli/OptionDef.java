package io.wsbridge.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * Every command-line option, once: the fast parser ({@link FlagParser}) and picocli's model for --help, the man
 * page and the completions ({@link CliSpec}) are all made from this table, defaults included, so they cannot
 * drift apart.
 *
 * @param name        the name without dashes; it is accepted as {@code --name} and {@code -name}, as Go's flag
 *                    package (websocketd) accepts both
 * @param kind        what value it takes
 * @param paramLabel  how its value is shown in help, or null for flags
 * @param role        plain option, or one that only prints (help, version)
 * @param byDefault   the value when the option is not given, or null for the kind's own (false, 0, none)
 * @param description lines of help text (the default is added by {@link #help()})
 * @param aliases     further spellings, with their dashes (e.g. -h)
 */
record OptionDef(String name, Kind kind, String paramLabel, Role role, Default byDefault, List<String> description,
        String... aliases) {
    enum Kind { FLAG, INT, LONG, STRING, LIST }

    enum Role { VALUE, HELP, VERSION }

    /**
     * A default: {@code value} as it would be written on the command line (null: the kind's own), and how help
     * shows it when that says more than the value (port 0 means 80, or 443 with --ssl).
     */
    record Default(String value, String shown) {
        static Default of(String value) {
            return new Default(value, value);
        }

        static Default of(String value, String shown) {
            return new Default(value, shown);
        }
    }

    /** The canonical spelling, as written in messages. */
    String longName() {
        return "--" + name;
    }

    /** The help text: the description, then "Default: ..." when the table has one. */
    List<String> help() {
        if (byDefault == null) {
            return description;
        }
        List<String> lines = new ArrayList<>(description);
        lines.add("Default: " + byDefault.shown() + ".");
        return List.copyOf(lines);
    }

    /** The value the parser uses when the option is not given, typed as {@link FlagParser} stores its kind. */
    Object defaultValue() {
        String v = byDefault == null ? null : byDefault.value();
        return switch (kind) {
            case FLAG -> Boolean.parseBoolean(v);
            case INT -> v == null ? 0 : Integer.parseInt(v);
            case LONG -> v == null ? 0L : Long.parseLong(v);
            case STRING -> v;
            case LIST -> v == null ? new ArrayList<String>() : new ArrayList<>(List.of(v));
        };
    }

    /** The option of this name (without dashes). */
    static OptionDef named(String name) {
        for (OptionDef d : ALL) {
            if (d.name.equals(name)) {
                return d;
            }
        }
        throw new IllegalArgumentException("no option --" + name);
    }

    static final List<OptionDef> ALL = List.of(
            // where to listen
            new OptionDef("port", Kind.INT, "PORT", Role.VALUE, Default.of("0", "80 (443 with --ssl)"),
                    List.of("HTTP port to listen on (0 means 80, or 443 with --ssl).")),
            new OptionDef("address", Kind.LIST, "ADDRESS", Role.VALUE, Default.of(null, "all interfaces"),
                    List.of("Interface address to bind to; repeat the flag for several.",
                            "IPv6 addresses in square brackets, e.g. [::1].")),
            new OptionDef("unixsocket", Kind.STRING, "PATH", Role.VALUE, null,
                    List.of("Also listen on this Unix domain socket (only on it, when neither --port,",
                            "--address nor --redirport is given).")),
            new OptionDef("redirport", Kind.INT, "PORT", Role.VALUE, null,
                    List.of("Also listen on PORT and redirect every plain HTTP request there to the main port.")),
            new OptionDef("headertimeoutms", Kind.LONG, "MS", Role.VALUE, Default.of("10000"),
                    List.of("Time a client has to send a whole request head, from its first byte (or from",
                            "the connection's start); then 408 and the connection is closed.")),
            new OptionDef("ssl", Kind.FLAG, null, Role.VALUE, null,
                    List.of("Serve TLS (wss:// and https://).")),
            new OptionDef("sslcert", Kind.STRING, "FILE", Role.VALUE, null,
                    List.of("PEM certificate (chain) for --ssl.")),
            new OptionDef("sslkey", Kind.STRING, "FILE", Role.VALUE, null,
                    List.of("PEM private key for --ssl: PKCS#8, PKCS#1 or SEC1 (RSA, EC or Ed25519).")),
            new OptionDef("sslca", Kind.STRING, "FILE", Role.VALUE, null,
                    List.of("PEM CA certificates: require client certificates signed by them (mutual TLS).")),
            // what to serve
            new OptionDef("dir", Kind.STRING, "DIR", Role.VALUE, null,
                    List.of("Serve every executable in DIR as a WebSocket endpoint at its path (instead of COMMAND).")),
            new OptionDef("staticdir", Kind.STRING, "DIR", Role.VALUE, null,
                    List.of("Serve the files in DIR over plain HTTP.")),
            new OptionDef("cgidir", Kind.STRING, "DIR", Role.VALUE, null,
                    List.of("Serve the CGI/1.1 scripts in DIR over plain HTTP.")),
            new OptionDef("devconsole", Kind.FLAG, null, Role.VALUE, null,
                    List.of("Serve an interactive console page for every plain HTTP request, to try the",
                            "endpoint at the same URL. Not with --staticdir or --cgidir.")),
            // WebSocket sessions
            new OptionDef("binary", Kind.FLAG, null, Role.VALUE, Default.of("false", "false (line mode)"),
                    List.of("Binary mode: binary messages go to stdin as they are, and whatever the",
                            "program writes is sent back as binary messages.")),
            new OptionDef("framing", Kind.STRING, "lines|nul|lengthprefixed", Role.VALUE, Default.of("lines"),
                    List.of("Where messages end on the program's stdin and stdout: lines (one text message",
                            "per line), nul (per NUL-terminated record, so messages may hold newlines), or",
                            "lengthprefixed (4-byte big-endian header, bit 31 set for binary, then the payload:",
                            "text and binary both ways, boundaries kept).")),
            new OptionDef("passstderr", Kind.FLAG, null, Role.VALUE, null,
                    List.of("Send stderr too: every line becomes {\"stream\":S,\"data\":LINE} where S is",
                            "\"stdout\" or \"stderr\" (line mode only).")),
            new OptionDef("maxframesize", Kind.STRING, "BYTES", Role.VALUE, Default.of("1m"),
                    List.of("Largest message accepted from a client (bytes; k, m and g suffixes allowed);",
                            "larger ones are refused with close code 1009. 0 means unlimited.")),
            new OptionDef("compress", Kind.FLAG, null, Role.VALUE, Default.of("false"),
                    List.of("Offer permessage-deflate compression (RFC 7692) to clients that ask for it;",
                            "--maxframesize then limits the inflated size.")),
            new OptionDef("pingms", Kind.LONG, "MS", Role.VALUE, Default.of("0", "0 (never)"),
                    List.of("Ping every client this often; one that leaves a ping without pong for twice that",
                            "is disconnected and its program ended.")),
            new OptionDef("subprotocol", Kind.STRING, "PROTO[,PROTO...]", Role.VALUE, null,
                    List.of("Accept these WebSocket subprotocols: the first the client offers is chosen",
                            "and given to the program as WEBSOCKET_PROTOCOL; clients offering none get 400.")),
            // rooms: one program, many clients
            new OptionDef("rooms", Kind.FLAG, null, Role.VALUE, null,
                    List.of("One program per room instead of one per connection: every client of a URL path",
                            "(the query is not part of it) talks to the same program; each client message is",
                            "one line of its stdin, each line it prints goes to every client of the room.")),
            new OptionDef("roomjson", Kind.FLAG, null, Role.VALUE, null,
                    List.of("With --rooms: JSON lines both ways, so the program knows who said what and can",
                            "answer one client (see the README's Rooms section).")),
            new OptionDef("roomhistory", Kind.INT, "N", Role.VALUE, Default.of("0"),
                    List.of("With --rooms: a joining client first gets the room's last N broadcast messages.")),
            new OptionDef("roomlinger", Kind.LONG, "MS", Role.VALUE, Default.of("0"),
                    List.of("With --rooms: keep a room's program this long after its last client left.")),
            new OptionDef("roommaxclients", Kind.INT, "N", Role.VALUE, Default.of("0", "0 (no limit)"),
                    List.of("With --rooms: a full room refuses further clients with 429.")),
            new OptionDef("clientbuffer", Kind.STRING, "BYTES", Role.VALUE, Default.of("1m"),
                    List.of("With --rooms: bytes queued for one client at most (k, m and g suffixes allowed).")),
            new OptionDef("slowclient", Kind.STRING, "POLICY", Role.VALUE, Default.of("close"),
                    List.of("With --rooms: what happens when a client's queue is full: close (1008 \"too slow\"),",
                            "drop (its oldest queued messages) or wait (the program waits for the slowest",
                            "client).")),
            new OptionDef("roombus", Kind.STRING, "redis://HOST:PORT[/DB]", Role.VALUE, null,
                    List.of("With --rooms: share the rooms with every wsbridge on this Redis, so that each room",
                            "has one program across all of them (rediss:// for TLS; a password in the URL or",
                            "in --roombus-password-file). See the README's Rooms on several machines.")),
            new OptionDef("roombus-password-file", Kind.STRING, "FILE", Role.VALUE, null,
                    List.of("With --roombus: the Redis password is this file's first line.")),
            new OptionDef("roombus-lease", Kind.LONG, "MS", Role.VALUE, Default.of("5000"),
                    List.of("With --roombus: how long a room's owner keeps it without renewing; when it dies,",
                            "another instance takes the room over within about 1.4 times that.")),
            // who may connect
            new OptionDef("origin", Kind.STRING, "[SCHEME://]HOST[:PORT][,...]", Role.VALUE, null,
                    List.of("Refuse upgrades (403) whose Origin is not listed. Without a scheme an entry",
                            "matches http and https; without a port, any port.")),
            new OptionDef("sameorigin", Kind.FLAG, null, Role.VALUE, null,
                    List.of("Refuse upgrades (403) whose Origin differs from the Host they were sent to.")),
            new OptionDef("trustproxy", Kind.STRING, "ADDR[/BITS][,...]", Role.VALUE, null,
                    List.of("Reverse proxies to believe: from them, REMOTE_ADDR is the right-most",
                            "X-Forwarded-For address that is not a trusted proxy, else X-Real-IP.")),
            // authentication
            new OptionDef("basicauth", Kind.STRING, "FILE", Role.VALUE, null,
                    List.of("Require HTTP Basic authentication against an htpasswd file (bcrypt or {SHA});",
                            "re-read on SIGHUP and when it changes.")),
            new OptionDef("tokenfile", Kind.STRING, "FILE", Role.VALUE, null,
                    List.of("Require a bearer token listed in FILE (TOKEN, NAME:TOKEN or sha256:HEX per line),",
                            "from 'Authorization: Bearer', ?token= or a 'bearer.TOKEN' subprotocol offer.")),
            new OptionDef("authurl", Kind.STRING, "URL", Role.VALUE, null,
                    List.of("Ask URL whether to allow each request (forward auth, as nginx auth_request):",
                            "2xx allows, 401/403 are passed on, anything else is 503.")),
            new OptionDef("authrealm", Kind.STRING, "REALM", Role.VALUE, Default.of("wsbridge"),
                    List.of("Realm named in WWW-Authenticate.")),
            new OptionDef("authtimeoutms", Kind.LONG, "MS", Role.VALUE, Default.of("2000"),
                    List.of("How long --authurl may take before the request gets 503.")),
            new OptionDef("authcachems", Kind.LONG, "MS", Role.VALUE, Default.of("0", "0 (ask every time)"),
                    List.of("Remember --authurl answers per credential this long.")),
            new OptionDef("maxperip", Kind.INT, "N", Role.VALUE, Default.of("0", "0 (no limit)"),
                    List.of("At most N open WebSocket connections per client address (after --trustproxy);",
                            "further upgrades get 429 Too Many Requests.")),
            // responses
            new OptionDef("header", Kind.LIST, "'NAME: VALUE'", Role.VALUE, null,
                    List.of("Add a header to every response (repeatable).")),
            new OptionDef("header-ws", Kind.LIST, "'NAME: VALUE'", Role.VALUE, null,
                    List.of("Add a header to successful WebSocket upgrades only (repeatable).")),
            new OptionDef("header-http", Kind.LIST, "'NAME: VALUE'", Role.VALUE, null,
                    List.of("Add a header to plain HTTP responses only (repeatable).")),
            // child processes
            new OptionDef("passenv", Kind.STRING, "VAR[,VAR...]", Role.VALUE, Default.of("PATH,LD_LIBRARY_PATH"),
                    List.of("Environment variables of wsbridge passed on to COMMAND (all others are",
                            "withheld).")),
            new OptionDef("closems", Kind.LONG, "MS", Role.VALUE, Default.of("0"),
                    List.of("Extra time (C) a program gets to finish after its client goes away: stdin is",
                            "closed, then SIGINT after 100+C ms, SIGTERM after 350+2C, SIGKILL after 850+3C,",
                            "to its whole process group.")),
            new OptionDef("linebuffered", Kind.FLAG, null, Role.VALUE, Default.of("false"),
                    List.of("Make common runtimes flush stdout at every line without changing the program:",
                            "PYTHONUNBUFFERED=1, and coreutils' libstdbuf.so preloaded with _STDBUF_O=L for",
                            "programs using C stdio (a warning at start-up when it is missing).")),
            new OptionDef("maxforks", Kind.INT, "N", Role.VALUE, Default.of("1024"),
                    List.of("Most programs running at once (WebSocket and CGI); further requests get",
                            "429 Too Many Requests. Zero or less means unlimited.")),
            new OptionDef("reverselookup", Kind.FLAG, null, Role.VALUE, Default.of("false"),
                    List.of("Set REMOTE_HOST from a reverse DNS lookup of the client.")),
            new OptionDef("metrics", Kind.STRING, "ADDR:PORT", Role.VALUE, null,
                    List.of("Serve Prometheus metrics (/metrics) and health checks (/healthz, /readyz) on a",
                            "listener of their own at ADDR:PORT (e.g. 127.0.0.1:9100).")),
            // this program
            new OptionDef("config", Kind.STRING, "FILE", Role.VALUE, null,
                    List.of("Read options from a TOML file: the long option names as keys (port = 8080,",
                            "header = [\"X-A: 1\"], command = [\"./chat.sh\", \"arg\"]). Options on the",
                            "command line override it.")),
            new OptionDef("printconfig", Kind.FLAG, null, Role.VALUE, null,
                    List.of("Print the effective configuration as TOML (secrets masked) and exit.")),
            new OptionDef("loglevel", Kind.STRING, "LEVEL", Role.VALUE, Default.of("access"),
                    List.of("Log level, from most to least verbose: debug, trace, access, info, error,",
                            "fatal, none.")),
            new OptionDef("help", Kind.FLAG, null, Role.HELP, null,
                    List.of("Print this help and exit."), "-h"),
            new OptionDef("version", Kind.FLAG, null, Role.VERSION, null,
                    List.of("Print the version and exit.")),
            new OptionDef("license", Kind.FLAG, null, Role.VALUE, null,
                    List.of("Print the license and exit."))
    );
}
