package io.wsbridge.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The raw values of the command line (and --config file), before {@link ConfigParser} validates them and builds
 * the immutable {@link Config}. What each means, and its default when not given: {@link OptionDef} (websocketd's
 * defaults, except where the option's help says otherwise).
 */
final class CliOptions {
    int port;
    List<String> addresses;
    String unixSocket;
    int redirPort;
    long headerTimeoutMs;
    boolean ssl;
    String sslCert;
    String sslKey;
    String sslCa;
    String dir;
    String staticDir;
    String cgiDir;
    boolean devConsole;
    boolean binary;
    boolean passStderr;
    String framing;
    boolean compress;
    String maxFrameSize;
    long pingMs;
    String subprotocols;
    String origin;
    boolean sameOrigin;
    String trustProxy;
    int maxPerIp;
    String basicAuth;
    String tokenFile;
    String authUrl;
    String authRealm;
    long authTimeoutMs;
    long authCacheMs;
    List<String> header;
    List<String> headerWs;
    List<String> headerHttp;
    String passEnv;
    long closeMs;
    int maxForks;
    boolean reverseLookup;
    boolean lineBuffered;
    boolean rooms;
    boolean roomJson;
    int roomHistory;
    long roomLinger;
    int roomMaxClients;
    String roomBus;
    String roomBusPasswordFile;
    long roomBusLease;
    String clientBuffer;
    String slowClient;
    String logLevel;
    String metrics;
    String config;
    boolean printConfig;
    boolean help;
    boolean version;
    boolean license;
    List<String> command;
    /** Every option's value as read, default or given, by name in reading order (for --printconfig). */
    Map<String, Object> effective = Map.of();

    /** Reads what was given; what was not gets the option table's default. */
    static CliOptions from(FlagParser.Parsed r) {
        CliOptions o = new CliOptions();
        o.port = r.get("port");
        o.addresses = r.get("address");
        o.unixSocket = r.get("unixsocket");
        o.redirPort = r.get("redirport");
        o.headerTimeoutMs = r.get("headertimeoutms");
        o.ssl = r.get("ssl");
        o.sslCert = r.get("sslcert");
        o.sslKey = r.get("sslkey");
        o.sslCa = r.get("sslca");
        o.dir = r.get("dir");
        o.staticDir = r.get("staticdir");
        o.cgiDir = r.get("cgidir");
        o.devConsole = r.get("devconsole");
        o.binary = r.get("binary");
        o.passStderr = r.get("passstderr");
        o.framing = r.get("framing");
        o.compress = r.get("compress");
        o.maxFrameSize = r.get("maxframesize");
        o.pingMs = r.get("pingms");
        o.subprotocols = r.get("subprotocol");
        o.origin = r.get("origin");
        o.sameOrigin = r.get("sameorigin");
        o.trustProxy = r.get("trustproxy");
        o.maxPerIp = r.get("maxperip");
        o.basicAuth = r.get("basicauth");
        o.tokenFile = r.get("tokenfile");
        o.authUrl = r.get("authurl");
        o.authRealm = r.get("authrealm");
        o.authTimeoutMs = r.get("authtimeoutms");
        o.authCacheMs = r.get("authcachems");
        o.header = r.get("header");
        o.headerWs = r.get("header-ws");
        o.headerHttp = r.get("header-http");
        o.passEnv = r.get("passenv");
        o.closeMs = r.get("closems");
        o.maxForks = r.get("maxforks");
        o.reverseLookup = r.get("reverselookup");
        o.lineBuffered = r.get("linebuffered");
        o.rooms = r.get("rooms");
        o.roomJson = r.get("roomjson");
        o.roomHistory = r.get("roomhistory");
        o.roomLinger = r.get("roomlinger");
        o.roomMaxClients = r.get("roommaxclients");
        o.roomBus = r.get("roombus");
        o.roomBusPasswordFile = r.get("roombus-password-file");
        o.roomBusLease = r.get("roombus-lease");
        o.clientBuffer = r.get("clientbuffer");
        o.slowClient = r.get("slowclient");
        o.logLevel = r.get("loglevel");
        o.metrics = r.get("metrics");
        o.config = r.get("config");
        o.printConfig = r.get("printconfig");
        o.help = r.get("help");
        o.version = r.get("version");
        o.license = r.get("license");
        o.command = r.command();
        o.effective = r.read();
        return o;
    }

    /** Whether any of these options (names without dashes) has a value other than its default. */
    boolean changed(String... names) {
        for (String name : names) {
            if (!java.util.Objects.equals(effective.get(name), OptionDef.named(name).defaultValue())) {
                return true;
            }
        }
        return false;
    }
}
