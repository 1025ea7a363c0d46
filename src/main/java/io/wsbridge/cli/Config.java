package io.wsbridge.cli;

import io.wsbridge.framing.Framing;
import io.wsbridge.logging.LogLevel;
import io.wsbridge.roombus.BusAddress;
import java.nio.file.Path;
import java.util.List;

/**
 * Everything the command line decided, validated and resolved once at start-up, then passed down. Grouped
 * by concern; each group is immutable.
 *
 * @param listen    where connections are accepted
 * @param tls       TLS settings (--ssl, --sslcert, --sslkey, --sslca)
 * @param endpoints what is served: COMMAND or --dir for WebSockets, --staticdir, --cgidir, --devconsole
 * @param websocket how WebSocket sessions behave (--binary, --maxframesize, --pingms, ...)
 * @param access    who may connect (--origin, --sameorigin, --trustproxy)
 * @param headers   extra response headers (--header, --header-ws, --header-http)
 * @param children  how child processes are run (--passenv, --closems, --maxforks, --reverselookup)
 * @param logLevel  least severe level that is logged
 * @param rooms     --rooms: one program per room instead of one per connection, and how rooms behave
 * @param auth      who is let in at all (--basicauth, --tokenfile, --authurl); null without them
 * @param metrics   --metrics: where /metrics, /healthz and /readyz are served, or null
 */
public record Config(
        Listen listen,
        Tls tls,
        Endpoints endpoints,
        WebSocket websocket,
        Access access,
        Headers headers,
        Children children,
        LogLevel logLevel,
        Rooms rooms,
        Auth auth,
        Metrics metrics) {

    public Config(Listen listen, Tls tls, Endpoints endpoints, WebSocket websocket, Access access, Headers headers,
                  Children children, LogLevel logLevel) {
        this(listen, tls, endpoints, websocket, access, headers, children, logLevel, Rooms.OFF, null, null);
    }

    /** What happens to a room's client whose outgoing queue is full (--slowclient). */
    public enum SlowClient {
        /** It is closed with 1008 "too slow"; the others go on. */
        CLOSE,
        /** Its oldest queued messages are dropped (counted, logged when it leaves). */
        DROP,
        /** Lossless: the program's output is not read until the slowest client has room again. */
        WAIT
    }

    /**
     * @param enabled      --rooms: one program per URL path, shared by every client of that path
     * @param json         --roomjson: JSON lines both ways (who said what; addressed replies)
     * @param history      --roomhistory: broadcast messages a joining client gets first
     * @param lingerMs     --roomlinger: how long a room's program outlives its last client
     * @param maxClients   --roommaxclients: clients a room takes at most (0: no limit)
     * @param clientBuffer --clientbuffer: bytes queued for one client at most
     * @param slowClient   --slowclient: what happens when a client's queue is full
     * @param bus          --roombus, or null for rooms on this instance alone
     */
    public record Rooms(boolean enabled, boolean json, int history, long lingerMs, int maxClients,
                        long clientBuffer, SlowClient slowClient, Bus bus) {
        public static final Rooms OFF = new Rooms(false, false, 0, 0, 0, 1 << 20, SlowClient.CLOSE);

        /** Rooms on this instance alone (no --roombus). */
        public Rooms(boolean enabled, boolean json, int history, long lingerMs, int maxClients, long clientBuffer,
                     SlowClient slowClient) {
            this(enabled, json, history, lingerMs, maxClients, clientBuffer, slowClient, null);
        }
    }

    /**
     * --roombus: the rooms are shared with the other instances on the same Redis.
     *
     * @param address --roombus (with the password from --roombus-password-file, if given)
     * @param leaseMs --roombus-lease
     */
    public record Bus(BusAddress address, long leaseMs) {
    }

    /**
     * @param port       TCP port (websocketd's 0 means 80, or 443 with --ssl, already applied)
     * @param addresses  interface addresses as given (IPv6 in brackets); empty means every interface
     * @param tcp        whether to listen on TCP at all (false with only --unixsocket)
     * @param unixSocket --unixsocket path, or null
     * @param redirPort  --redirport, or 0 for none
     * @param headerTimeoutMs --headertimeoutms: time for a whole request head
     */
    public record Listen(int port, List<String> addresses, boolean tcp, Path unixSocket, int redirPort,
                         long headerTimeoutMs) {
        public Listen {
            addresses = List.copyOf(addresses);
        }

        /** The same, on another port (tests use 0 for an ephemeral one). */
        public Listen withPort(int newPort) {
            return new Listen(newPort, addresses, tcp, unixSocket, redirPort, headerTimeoutMs);
        }
    }

    /**
     * @param enabled --ssl
     * @param cert    PEM certificate chain
     * @param key     PEM private key (PKCS#8, PKCS#1 RSA or SEC1 EC)
     * @param ca      PEM CA certificates that client certificates must chain to (mutual TLS), or null
     */
    public record Tls(boolean enabled, Path cert, Path key, Path ca) {
        public static final Tls OFF = new Tls(false, null, null, null);
    }

    /**
     * @param command    the program for every WebSocket connection, or null
     * @param scriptDir  --dir: one program per URL path, or null
     * @param staticDir  --staticdir, or null
     * @param cgiDir     --cgidir, or null
     * @param devConsole --devconsole
     */
    public record Endpoints(CommandSpec command, Path scriptDir, Path staticDir, Path cgiDir, boolean devConsole) {
        /** Whether WebSocket upgrades are served (a COMMAND or --dir). */
        public boolean servesWebSockets() {
            return command != null || scriptDir != null;
        }
    }

    /**
     * @param binary       --binary: raw bytes both ways instead of lines
     * @param passStderr   --passstderr: stdout and stderr lines as tagged JSON messages (text mode only)
     * @param framing      --framing: where messages end on the pipes (LINES with --binary or --passstderr)
     * @param maxFrameSize largest inbound message in bytes; 0 means unlimited (with lengthprefixed framing
     *                     it is at most 2^31-1, what a header can announce)
     * @param pingMs       --pingms: ping interval, 0 for none
     * @param subprotocols --subprotocol: accepted subprotocols in order of preference; empty for none
     * @param compress     --compress: permessage-deflate for clients that offer it
     */
    public record WebSocket(boolean binary, boolean passStderr, Framing framing, long maxFrameSize, long pingMs,
                            List<String> subprotocols, boolean compress) {
        public WebSocket {
            subprotocols = List.copyOf(subprotocols);
        }
    }

    /**
     * @param origins        --origin entries ([scheme://]host[:port]); empty means any origin
     * @param sameOrigin     --sameorigin
     * @param trustedProxies --trustproxy: addresses or CIDR blocks whose X-Forwarded-For / X-Real-IP are believed
     * @param maxPerIp       --maxperip: open WebSocket connections allowed per client address; 0 for no limit
     */
    public record Access(List<String> origins, boolean sameOrigin, List<String> trustedProxies, int maxPerIp) {
        public Access {
            origins = List.copyOf(origins);
            trustedProxies = List.copyOf(trustedProxies);
        }

        /** Without a per-address limit. */
        public Access(List<String> origins, boolean sameOrigin, List<String> trustedProxies) {
            this(origins, sameOrigin, trustedProxies, 0);
        }
    }

    /** A response header from --header, --header-ws or --header-http. */
    public record Header(String name, String value) {
    }

    /**
     * @param all  --header: every response
     * @param ws   --header-ws: successful upgrades (101) only
     * @param http --header-http: plain HTTP responses only
     */
    public record Headers(List<Header> all, List<Header> ws, List<Header> http) {
        public static final Headers NONE = new Headers(List.of(), List.of(), List.of());

        public Headers {
            all = List.copyOf(all);
            ws = List.copyOf(ws);
            http = List.copyOf(http);
        }
    }

    /**
     * @param passEnv       names of wsbridge's own environment variables handed to children
     * @param closeMs       extra grace before the signal ladder (--closems)
     * @param maxForks      live children allowed at once; zero or less means unlimited
     * @param reverseLookup --reverselookup: REMOTE_HOST from reverse DNS
     * @param lineBuffered  --linebuffered: environment that makes common runtimes line-buffer stdout
     */
    public record Children(List<String> passEnv, long closeMs, int maxForks, boolean reverseLookup,
                           boolean lineBuffered) {
        public Children {
            passEnv = List.copyOf(passEnv);
        }

        public Children(List<String> passEnv, long closeMs, int maxForks, boolean reverseLookup) {
            this(passEnv, closeMs, maxForks, reverseLookup, false);
        }

        public boolean forksLimited() {
            return maxForks > 0;
        }
    }

    /** The same configuration listening elsewhere (tests bind ephemeral ports). */
    public Config withListen(Listen newListen) {
        return new Config(newListen, tls, endpoints, websocket, access, headers, children, logLevel, rooms, auth,
                metrics);
    }

    /**
     * @param basicAuth  --basicauth htpasswd file, or null
     * @param tokenFile  --tokenfile, or null
     * @param url        --authurl, or null
     * @param realm      --authrealm
     * @param timeoutMs  --authtimeoutms
     * @param cacheMs    --authcachems, 0 for no cache
     */
    public record Auth(Path basicAuth, Path tokenFile, java.net.URI url, String realm, long timeoutMs, long cacheMs) {
    }

    /**
     * @param host interface to listen on ("" for all)
     * @param port TCP port
     */
    public record Metrics(String host, int port) {
    }
}
