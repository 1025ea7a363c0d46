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
        sortOptions = false,
        headerHeading = "%n",
        header = "Turn any program that reads stdin and writes stdout into a WebSocket server.",
        synopsisHeading = "%nUsage:%n  ",
        customSynopsis = {
                "wsbridge [options] COMMAND [command args]",
                "  or: wsbridge [options] --dir=DIR",
                "",
                "Each WebSocket connection runs COMMAND in its own process: every text message received becomes",
                "a line on its stdin, every line it prints on stdout is sent back as a message."
        },
        optionListHeading = "%nOptions:%n",
        footerHeading = "%n",
        footer = {"Exit codes: 0 ok, 1 invalid configuration, 2 unknown flag or bad value, 3 cannot listen,",
                "4 conflicting options. Run 'wsbridge --license' for the license. Documentation: README.md."})
public final class CliOptions {

    // ---- where to listen ----

    @Option(names = {"--port", "-port"}, paramLabel = "PORT", order = 10,
            description = "HTTP port to listen on (0 means 80, or 443 with --ssl). Default: 80.")
    public int port;

    @Option(names = {"--address", "-address"}, paramLabel = "ADDRESS", order = 11,
            description = {"Interface address to bind to; repeat the flag for several.",
                    "IPv6 addresses in square brackets, e.g. [::1]. Default: all interfaces."})
    public List<String> addresses = new ArrayList<>();

    @Option(names = {"--unixsocket", "-unixsocket"}, paramLabel = "PATH", order = 12,
            description = {"Also listen on this Unix domain socket (only on it, when neither --port,",
                    "--address nor --redirport is given)."})
    public String unixSocket;

    @Option(names = {"--redirport", "-redirport"}, paramLabel = "PORT", order = 13,
            description = "Also listen on PORT and redirect every plain HTTP request there to the main port.")
    public int redirPort;

    @Option(names = {"--ssl", "-ssl"}, order = 14, description = "Serve TLS (wss:// and https://).")
    public boolean ssl;

    @Option(names = {"--sslcert", "-sslcert"}, paramLabel = "FILE", order = 15,
            description = "PEM certificate (chain) for --ssl.")
    public String sslCert;

    @Option(names = {"--sslkey", "-sslkey"}, paramLabel = "FILE", order = 16,
            description = "PEM private key for --ssl: PKCS#8, PKCS#1 or SEC1 (RSA, EC or Ed25519).")
    public String sslKey;

    @Option(names = {"--sslca", "-sslca"}, paramLabel = "FILE", order = 17,
            description = "PEM CA certificates: require client certificates signed by them (mutual TLS).")
    public String sslCa;

    // ---- what to serve ----

    @Option(names = {"--dir", "-dir"}, paramLabel = "DIR", order = 20,
            description = "Serve every executable in DIR as a WebSocket endpoint at its path (instead of COMMAND).")
    public String dir;

    @Option(names = {"--staticdir", "-staticdir"}, paramLabel = "DIR", order = 21,
            description = "Serve the files in DIR over plain HTTP.")
    public String staticDir;

    @Option(names = {"--cgidir", "-cgidir"}, paramLabel = "DIR", order = 22,
            description = "Serve the CGI/1.1 scripts in DIR over plain HTTP.")
    public String cgiDir;

    @Option(names = {"--devconsole", "-devconsole"}, order = 23,
            description = {"Serve an interactive console page for every plain HTTP request, to try the",
                    "endpoint at the same URL. Not with --staticdir or --cgidir."})
    public boolean devConsole;

    // ---- WebSocket sessions ----

    @Option(names = {"--binary", "-binary"}, order = 30,
            description = {"Binary mode: binary messages go to stdin as they are, and whatever the",
                    "program writes is sent back as binary messages. Default: false (line mode)."})
    public boolean binary;

    @Option(names = {"--passstderr", "-passstderr"}, order = 31,
            description = {"Send stderr too: every line as {\"stream\":\"stdout\"|\"stderr\",\"data\":\"...\"}",
                    "(line mode only)."})
    public boolean passStderr;

    @Option(names = {"--maxframesize", "-maxframesize"}, paramLabel = "BYTES", order = 32,
            description = {"Largest message accepted from a client (bytes; k, m and g suffixes allowed);",
                    "larger ones are refused with close code 1009. 0 means unlimited. Default: 1m."})
    public String maxFrameSize = "1m";

    @Option(names = {"--pingms", "-pingms"}, paramLabel = "MS", order = 33,
            description = {"Ping every client this often; one that sends no pong within twice that is",
                    "disconnected and its program ended. Default: 0 (never)."})
    public long pingMs;

    @Option(names = {"--subprotocol", "-subprotocol"}, paramLabel = "PROTO[,PROTO...]", order = 34,
            description = {"Accept these WebSocket subprotocols: the first the client offers is chosen",
                    "and given to the program as WEBSOCKET_PROTOCOL; clients offering none get 400."})
    public String subprotocols;

    // ---- who may connect ----

    @Option(names = {"--origin", "-origin"}, paramLabel = "[SCHEME://]HOST[:PORT][,...]", order = 40,
            description = {"Refuse upgrades (403) whose Origin is not listed. Without a scheme an entry",
                    "matches http and https; without a port, any port."})
    public String origin;

    @Option(names = {"--sameorigin", "-sameorigin"}, order = 41,
            description = "Refuse upgrades (403) whose Origin differs from the Host they were sent to.")
    public boolean sameOrigin;

    @Option(names = {"--trustproxy", "-trustproxy"}, paramLabel = "ADDR[/BITS][,...]", order = 42,
            description = {"Reverse proxies to believe: from them, REMOTE_ADDR is the right-most",
                    "X-Forwarded-For address that is not a trusted proxy, else X-Real-IP."})
    public String trustProxy;

    // ---- responses ----

    @Option(names = {"--header", "-header"}, paramLabel = "'NAME: VALUE'", order = 50,
            description = "Add a header to every response (repeatable).")
    public List<String> header = new ArrayList<>();

    @Option(names = {"--header-ws", "-header-ws"}, paramLabel = "'NAME: VALUE'", order = 51,
            description = "Add a header to successful WebSocket upgrades only (repeatable).")
    public List<String> headerWs = new ArrayList<>();

    @Option(names = {"--header-http", "-header-http"}, paramLabel = "'NAME: VALUE'", order = 52,
            description = "Add a header to plain HTTP responses only (repeatable).")
    public List<String> headerHttp = new ArrayList<>();

    // ---- child processes ----

    @Option(names = {"--passenv", "-passenv"}, paramLabel = "VAR[,VAR...]", order = 60,
            description = {"Environment variables of wsbridge passed on to COMMAND (all others are",
                    "withheld). Default: PATH,LD_LIBRARY_PATH."})
    public String passEnv = "PATH,LD_LIBRARY_PATH";

    @Option(names = {"--closems", "-closems"}, paramLabel = "MS", order = 61,
            description = {"Extra time (C) a program gets to finish after its client goes away: stdin is",
                    "closed, then SIGINT after 100+C ms, SIGTERM after 350+2C, SIGKILL after 850+3C,",
                    "to its whole process group. Default: 0."})
    public long closeMs;

    @Option(names = {"--maxforks", "-maxforks"}, paramLabel = "N", order = 62,
            description = {"Most programs running at once (WebSocket and CGI); further requests get",
                    "429 Too Many Requests. Zero or less means unlimited. Default: 1024."})
    public int maxForks = 1024;

    @Option(names = {"--reverselookup", "-reverselookup"}, order = 63,
            description = "Set REMOTE_HOST from a reverse DNS lookup of the client. Default: false.")
    public boolean reverseLookup;

    // ---- this program ----

    @Option(names = {"--loglevel", "-loglevel"}, paramLabel = "LEVEL", order = 70,
            description = {"Log level, from most to least verbose: debug, trace, access, info, error,",
                    "fatal, none. Default: access."})
    public String logLevel = "access";

    @Option(names = {"--help", "-help", "-h"}, usageHelp = true, order = 80, description = "Print this help and exit.")
    public boolean help;

    @Option(names = {"--version", "-version"}, versionHelp = true, order = 81,
            description = "Print the version and exit.")
    public boolean version;

    @Option(names = {"--license", "-license"}, order = 82, description = "Print the license and exit.")
    public boolean license;

    @Parameters(paramLabel = "COMMAND", arity = "0..*",
            description = "Program to run for each connection, then its arguments (passed as they are).")
    public List<String> command = new ArrayList<>();
}
