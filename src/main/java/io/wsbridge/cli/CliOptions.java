package io.wsbridge.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The raw values of the command line , before {@link ConfigParser}
 * validates them and builds the immutable {@link Config}. What each means: {@link OptionDef}. Defaults are websocketd's, except where noted in
 * the option descriptions.
 */
final class CliOptions {
    int port;
    List<String> addresses = new ArrayList<>();
    String unixSocket;
    int redirPort;
    long headerTimeoutMs = 10_000;
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
    String framing = "lines";
    boolean compress;
    String maxFrameSize = "1m";
    long pingMs;
    String subprotocols;
    String origin;
    boolean sameOrigin;
    String trustProxy;
    int maxPerIp;
    String basicAuth;
    String tokenFile;
    String authUrl;
    String authRealm = "wsbridge";
    long authTimeoutMs = 2000;
    long authCacheMs;
    List<String> header = new ArrayList<>();
    List<String> headerWs = new ArrayList<>();
    List<String> headerHttp = new ArrayList<>();
    String passEnv = "PATH,LD_LIBRARY_PATH";
    long closeMs;
    int maxForks = 1024;
    boolean reverseLookup;
    boolean lineBuffered;
    boolean rooms;
    boolean roomJson;
    int roomHistory;
    long roomLinger;
    int roomMaxClients;
    /** --roombus-lease when not given (the bus's default lease). */
    static final long DEFAULT_ROOMBUS_LEASE_MS = 5000;
    String roomBus;
    String roomBusPasswordFile;
    long roomBusLease = DEFAULT_ROOMBUS_LEASE_MS;
    String clientBuffer = "1m";
    String slowClient = "close";
    String logLevel = "access";
    String metrics;
    String config;
    boolean printConfig;
    boolean help;
    boolean version;
    boolean license;
    List<String> command = new ArrayList<>();
    /** Every option's value as read, default or given, by name in reading order (for --printconfig). */
    Map<String, Object> effective = Map.of();

    /** Reads what was given; what was not keeps its default. */
    static CliOptions from(FlagParser.Parsed r) {
        CliOptions o = new CliOptions();
        o.port = r.get("port", o.port);
        o.addresses = r.get("address", o.addresses);
        o.unixSocket = r.get("unixsocket", o.unixSocket);
        o.redirPort = r.get("redirport", o.redirPort);
        o.headerTimeoutMs = r.get("headertimeoutms", o.headerTimeoutMs);
        o.ssl = r.get("ssl", o.ssl);
        o.sslCert = r.get("sslcert", o.sslCert);
        o.sslKey = r.get("sslkey", o.sslKey);
        o.sslCa = r.get("sslca", o.sslCa);
        o.dir = r.get("dir", o.dir);
        o.staticDir = r.get("staticdir", o.staticDir);
        o.cgiDir = r.get("cgidir", o.cgiDir);
        o.devConsole = r.get("devconsole", o.devConsole);
        o.binary = r.get("binary", o.binary);
        o.passStderr = r.get("passstderr", o.passStderr);
        o.framing = r.get("framing", o.framing);
        o.compress = r.get("compress", o.compress);
        o.maxFrameSize = r.get("maxframesize", o.maxFrameSize);
        o.pingMs = r.get("pingms", o.pingMs);
        o.subprotocols = r.get("subprotocol", o.subprotocols);
        o.origin = r.get("origin", o.origin);
        o.sameOrigin = r.get("sameorigin", o.sameOrigin);
        o.trustProxy = r.get("trustproxy", o.trustProxy);
        o.maxPerIp = r.get("maxperip", o.maxPerIp);
        o.basicAuth = r.get("basicauth", o.basicAuth);
        o.tokenFile = r.get("tokenfile", o.tokenFile);
        o.authUrl = r.get("authurl", o.authUrl);
        o.authRealm = r.get("authrealm", o.authRealm);
        o.authTimeoutMs = r.get("authtimeoutms", o.authTimeoutMs);
        o.authCacheMs = r.get("authcachems", o.authCacheMs);
        o.header = r.get("header", o.header);
        o.headerWs = r.get("header-ws", o.headerWs);
        o.headerHttp = r.get("header-http", o.headerHttp);
        o.passEnv = r.get("passenv", o.passEnv);
        o.closeMs = r.get("closems", o.closeMs);
        o.maxForks = r.get("maxforks", o.maxForks);
        o.reverseLookup = r.get("reverselookup", o.reverseLookup);
        o.lineBuffered = r.get("linebuffered", o.lineBuffered);
        o.rooms = r.get("rooms", o.rooms);
        o.roomJson = r.get("roomjson", o.roomJson);
        o.roomHistory = r.get("roomhistory", o.roomHistory);
        o.roomLinger = r.get("roomlinger", o.roomLinger);
        o.roomMaxClients = r.get("roommaxclients", o.roomMaxClients);
        o.roomBus = r.get("roombus", o.roomBus);
        o.roomBusPasswordFile = r.get("roombus-password-file", o.roomBusPasswordFile);
        o.roomBusLease = r.get("roombus-lease", o.roomBusLease);
        o.clientBuffer = r.get("clientbuffer", o.clientBuffer);
        o.slowClient = r.get("slowclient", o.slowClient);
        o.logLevel = r.get("loglevel", o.logLevel);
        o.metrics = r.get("metrics", o.metrics);
        o.config = r.get("config", o.config);
        o.printConfig = r.get("printconfig", o.printConfig);
        o.help = r.get("help", o.help);
        o.version = r.get("version", o.version);
        o.license = r.get("license", o.license);
        o.command = r.command();
        o.effective = r.read();
        return o;
    }

}
