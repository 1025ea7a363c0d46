package io.wsbridge.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.wsbridge.access.PerAddressLimit;
import io.wsbridge.auth.AuthSetup;
import io.wsbridge.cli.Config;
import io.wsbridge.cli.Version;
import io.wsbridge.http.TrustedProxies;
import io.wsbridge.logging.LogScope;
import io.wsbridge.metrics.MetricsSetup;
import io.wsbridge.http.CgiEnvironment;
import io.wsbridge.process.epoll.FileLimits;
import io.wsbridge.process.LineBuffering;
import io.wsbridge.process.ProcessLauncher;
import io.wsbridge.process.ForkLimiter;
import io.wsbridge.roombus.RoomBus;
import io.wsbridge.session.ProcessPerConnection;
import io.wsbridge.session.SessionStrategy;
import io.wsbridge.session.TargetResolver;
import io.wsbridge.session.ReverseLookup;
import io.wsbridge.websocket.SessionBridge;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Wires the parts together from the {@link Config}, listens, and shuts down in order: stop accepting, close
 * every WebSocket with 1001, let the kill ladder end every child, then stop the event loops.
 */
public final class WsbridgeServer {
    private static final LogScope LOG = LogScope.of("server");
    /** Outbound bytes a connection may have queued before its child's stdout is paused. */
    private static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(64 * 1024, 256 * 1024);

    private final Config config;
    private final Map<String, String> environment;
    private final Transport transport = Transport.choose();
    private final EventLoopGroup loops = transport.newGroup(Transport.threads());
    /**
     * Listening sockets accept on a thread of their own, never on a loop that serves connections. An accept in
     * the middle of a loop's batch of epoll events can be handed a descriptor number closed earlier in that
     * batch; Netty then delivers the old socket's pending events (its peer's hang-up) to the new connection,
     * and with Netty 4.2.18 such a stray hang-up, followed by a pause in reading (every upgrade waits for its
     * program with reading paused), leaves the new connection out of epoll: resuming failed and reset it
     * (SoakTest: one connection in about 100,000). Registered from this thread, a new connection joins its
     * loop only between batches.
     */
    private final EventLoopGroup acceptors = transport.newGroup(1);
    private final ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
    private final ChannelGroup connections = new DefaultChannelGroup("connections", GlobalEventExecutor.INSTANCE);
    /** The main TCP listeners. */
    private final List<Channel> listeners = new ArrayList<>();
    /** --unixsocket and --redirport listeners. */
    private final List<Channel> otherListeners = new ArrayList<>();
    private final ForkLimiter forks;
    /** What the open-files limit allows, measured once at start-up. */
    private final DescriptorBudget budget;
    /** The listeners' first stage (one for all: the open-files limit is the process's). */
    private final AcceptErrors accepting;
    private final ReverseLookup reverseLookup;
    private UnixSocketListener unixSocket;
    private final CountDownLatch terminated = new CountDownLatch(1);
    private ProcessLauncher launcher;
    /** What serves WebSocket connections; null when there is no WebSocket endpoint. */
    private SessionStrategy sessions;
    /** SIGHUP's TLS part: reads --sslcert/--sslkey again; null without --ssl. */
    private Runnable tlsReload;
    /** $NOTIFY_SOCKET (Type=notify); null without it. */
    private SystemdHook.Notifier notifier;
    /** --metrics; null without it. */
    private MetricsSetup metrics;
    private volatile InetSocketAddress metricsAddress;
    /** --maxperip; null without it. */
    private PerAddressLimit perAddress;
    /** --basicauth, --tokenfile, --authurl; null without them. */
    private AuthSetup auth;
    /** --roombus, or null. */
    private RoomBus roomBus;
    private volatile boolean stopping;

    /**
     * @param environment wsbridge's own environment, for --passenv
     */
    public WsbridgeServer(Config config, Map<String, String> environment) {
        this(config, environment, config.children().reverseLookup()
                ? new ReverseLookup(ReverseLookup.SYSTEM, ReverseLookup.DEFAULT_TIMEOUT_MS) : null);
    }

    /** @param reverseLookup REMOTE_HOST lookups with --reverselookup (tests pass a slow one); ignored without */
    public WsbridgeServer(Config config, Map<String, String> environment, ReverseLookup reverseLookup) {
        this.config = config;
        this.environment = environment;
        this.budget = DescriptorBudget.measure(config.children().maxForks());
        this.accepting = new AcceptErrors(budget.maxConnections());
        this.forks = new ForkLimiter(budget.maxForks());
        this.reverseLookup = config.children().reverseLookup() ? reverseLookup : null;
    }

    /** The environment of WebSocket programs: with --linebuffered, the variables that make them flush lines. */
    private CgiEnvironment sessionEnvironment(CgiEnvironment env) {
        if (!config.children().lineBuffered()) {
            return env;
        }
        LineBuffering.Setup setup = LineBuffering.forSystem(config.children().passEnv(), environment);
        if (setup.stdbuf() == null) {
            LOG.error("--linebuffered: coreutils' libstdbuf.so was not found, so only PYTHONUNBUFFERED=1 is set; "
                    + "programs using C stdio stay block-buffered (install coreutils, or flush in the program)");
        } else {
            LOG.debug("--linebuffered: {}", String.join(" ", setup.variables()));
        }
        return env.with(setup.variables());
    }

    /** One program per connection (websocketd's rule), or with --rooms one per room. */
    private SessionStrategy sessionStrategy(TargetResolver targets, CgiEnvironment env) {
        ProcessPerConnection.Settings settings = sessionSettings();
        if (config.rooms().enabled()) {
            return RoomsHook.rooms(targets, launcher, env, forks, settings.program(), config.rooms(), alloc, roomBus,
                    metrics);
        }
        return new ProcessPerConnection(targets, launcher, env, forks, settings, reverseLookup);
    }

    private ProcessPerConnection.Settings sessionSettings() {
        return new ProcessPerConnection.Settings(config.websocket().binary(), config.websocket().passStderr(),
                config.children().closeMs(), config.websocket().framing(), config.websocket().maxFrameSize());
    }

    /** Binds every address; throws (after releasing what was bound) when one fails. */
    public void start() throws ListenException {
        launcher = ProcessBackend.choose(loops, alloc);
        if (config.metrics() != null) {
            metrics = new MetricsSetup(forks::live, config.children().maxForks()); // metrics classes only now
            launcher = metrics.timed(launcher);
        }
        CgiEnvironment env = new CgiEnvironment(Version.serverSoftware(), config.children().passEnv(), environment,
                config.tls().enabled());
        ServedContent content;
        try {
            content = ServedContent.from(config, launcher, env, forks);
        } catch (ListenException e) {
            stopNow();
            throw e;
        }
        if (config.rooms().bus() != null) {
            try {
                roomBus = RoomBusHook.connect(config.rooms().bus()); // loads the Redis client only now
            } catch (ListenException e) {
                stopNow();
                throw e;
            }
            if (metrics != null) {
                metrics.watchRoomBus(roomBus::connected); // /readyz: 503 while Redis is out of reach
            }
        }
        sessions = content.targets() == null ? null : sessionStrategy(content.targets(), sessionEnvironment(env));
        Consumer<ChannelPipeline> tls = null;
        if (config.tls().enabled()) {
            try {
                TlsHook.Loaded loaded = TlsHook.load(config.tls()); // loads the TLS classes only now
                tls = loaded.hook();
                tlsReload = loaded.reload();
            } catch (ListenException e) {
                stopNow();
                throw e;
            }
        }
        List<ServerInitializer.RequestStage> stages = new ArrayList<>();
        if (config.access().maxPerIp() > 0) {
            perAddress = new PerAddressLimit(config.access().maxPerIp());
            stages.add(new ServerInitializer.RequestStage("per-address", perAddress::newStage));
        }
        if (config.auth() != null) {
            try {
                auth = AuthHook.load(config.auth(), transport.socketChannel()); // auth classes only now
            } catch (ListenException e) {
                stopNow();
                throw e;
            }
            stages.add(new ServerInitializer.RequestStage(io.wsbridge.http.Identity.STAGE, auth::newGate));
        }
        ServerInitializer initializer = new ServerInitializer(connections, sessions, content.policy(),
                content.headers(), content.endpoints(), config.websocket().maxFrameSize(), tls,
                config.websocket().pingMs(), config.websocket().subprotocols(), config.websocket().compress(),
                TrustedProxies.of(config.access().trustedProxies()), content.mapsPaths(),
                config.listen().headerTimeoutMs(), budget.maxConnections(), stages,
                metrics == null ? null : metrics.probes());
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(acceptors, loops)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .handler(accepting)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.ALLOCATOR, alloc)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .childHandler(initializer);

        ServedContent.logServing(config);
        if (environment.containsKey("LISTEN_FDS") && SystemdHook.activated(environment)) {
            serveInherited(initializer);
        } else {
            bindConfigured(bootstrap, initializer);
        }
        if (metrics != null) {
            listenForMetrics();
        }
        // Needs the native binding, which may still be loading: done off the start-up path.
        launcher.runInBackground(this::raiseOpenFilesLimit);
        if (sessions != null && SyntheticWarmup.wanted(environment)) {
            new SyntheticWarmup(alloc, config.websocket().binary(), config.websocket().framing(),
                    config.websocket().maxFrameSize(), () -> !connections.isEmpty(), () -> stopping, loops,
                    SocketRehearsal.loopbackSessions(sessionSettings(), env, alloc)).start();
        }
        LOG.debug("Transport {}, {} event loops", transport.name(), Transport.threads());
        if (environment.containsKey("NOTIFY_SOCKET")) {
            notifier = SystemdHook.notifier(environment);
            if (notifier != null) {
                notifier.notify("READY=1\nSTATUS=Serving\nMAINPID=" + ProcessHandle.current().pid());
            }
        }
    }

    /** Socket activation: the sockets systemd passed in, instead of --port/--address/--unixsocket. */
    private void serveInherited(ServerInitializer initializer) throws ListenException {
        List<SystemdHook.Served> inherited;
        try {
            inherited = SystemdHook.serve(environment, transport, acceptors, loops, accepting, initializer, alloc,
                    WATER_MARK);
        } catch (ListenException e) {
            stopNow();
            throw e;
        }
        for (SystemdHook.Served s : inherited) {
            if (s.unixPath() == null) {
                listeners.add(s.channel());
                ServedContent.logListening(config, describe((InetSocketAddress) s.channel().localAddress()));
            } else {
                otherListeners.add(s.channel());
                LOG.info("Starting WebSocket server   : unix socket at {}", s.unixPath());
            }
        }
    }

    private void bindConfigured(ServerBootstrap bootstrap, ServerInitializer initializer) throws ListenException {
        List<InetSocketAddress> addresses = config.listen().tcp() ? bindAddresses() : List.of();
        for (InetSocketAddress address : addresses) {
            Channel bound = bind(bootstrap, address);
            listeners.add(bound);
            ServedContent.logListening(config, describe((InetSocketAddress) bound.localAddress(), address));
        }
        if (config.listen().unixSocket() != null) {
            try {
                unixSocket = UnixSocketListener.open(config.listen().unixSocket(), transport, acceptors, loops,
                        accepting, initializer, alloc, WATER_MARK);
            } catch (ListenException e) {
                stopNow();
                throw e;
            }
            otherListeners.add(unixSocket.channel());
            LOG.info("Starting WebSocket server   : unix socket at {}", config.listen().unixSocket());
        }
        if (config.listen().redirPort() != 0) {
            for (int i = 0; i < addresses.size(); i++) {
                listenForRedirects(addresses.get(i), ((InetSocketAddress) listeners.get(i).localAddress()).getPort());
            }
        }
    }

    /**
     * As websocketd: the soft limit goes up to the hard one (the budget was measured against the hard one);
     * say so when the limit lowers --maxforks.
     */
    /** --metrics: its own listener, on the same event loops. */
    private void listenForMetrics() throws ListenException {
        Config.Metrics m = config.metrics();
        InetSocketAddress address;
        try {
            address = m.host().isEmpty() ? new InetSocketAddress(m.port())
                    : new InetSocketAddress(InetAddress.getByName(m.host()), m.port());
        } catch (UnknownHostException e) {
            stopNow();
            throw new ListenException("listen tcp " + m.host() + ":" + m.port() + " (--metrics): unknown host", e);
        }
        try {
            InetSocketAddress bound = metrics.listen(address, acceptors, loops, transport.serverChannel(),
                    () -> !stopping && !listenersGone(), forks::live, config.children().maxForks());
            metricsAddress = bound;
            LOG.info("Serving metrics and health  : http://{}/metrics", describe(bound));
        } catch (Exception e) {
            stopNow();
            throw new ListenException("listen tcp " + describe(address) + " (--metrics): " + e.getMessage(), e);
        }
    }

    private boolean listenersGone() {
        for (Channel c : listeners) {
            if (!c.isActive()) {
                return true;
            }
        }
        for (Channel c : otherListeners) {
            if (!c.isActive()) {
                return true;
            }
        }
        return listeners.isEmpty() && otherListeners.isEmpty();
    }

    /** Where --metrics listens (tests ask for port 0), or null. */
    public InetSocketAddress metricsAddress() {
        return metricsAddress;
    }

    /** As websocketd: the soft limit goes up to the hard one; say so when that caps --maxforks. */
    private void raiseOpenFilesLimit() {
        FileLimits.raiseToHardLimit();
        int requested = config.children().maxForks();
        if (budget.openFilesLimit() > 0 && budget.capsForks(requested)) {
            LOG.info("Open files limit {} allows {} programs at once{} and {} connections; beyond: 429 and 503",
                    budget.openFilesLimit(), budget.maxForks(),
                    requested > 0 ? ", below --maxforks=" + requested : "", budget.maxConnections());
        }
    }

    private Channel bind(ServerBootstrap bootstrap, InetSocketAddress address) throws ListenException {
        ChannelFuture bound = bootstrap.bind(address).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            stopNow();
            Throwable cause = bound.cause();
            throw new ListenException("listen tcp " + describe(address) + ": " + ListenException.bindFailure(cause),
                    cause);
        }
        return bound.channel();
    }

    /** --redirport on the same interface as a main listener, answering 301 towards {@code mainPort}. */
    private void listenForRedirects(InetSocketAddress main, int mainPort) throws ListenException {
        InetSocketAddress address = new InetSocketAddress(main.getAddress(), config.listen().redirPort());
        Channel bound = bind(RedirectInitializer.bootstrap(transport, acceptors, loops, alloc, connections,
                config.tls().enabled(), mainPort), address);
        otherListeners.add(bound);
        LOG.info("Starting redirect server   : http://{}/", describe((InetSocketAddress) bound.localAddress(),
                address));
    }

    /** The ports actually bound (useful when --port is 0 in tests... and for logs). */
    public List<InetSocketAddress> boundAddresses() {
        List<InetSocketAddress> out = new ArrayList<>();
        for (Channel c : listeners) {
            out.add((InetSocketAddress) c.localAddress());
        }
        return out;
    }

    /** Live children right now (for tests and metrics). */
    public int liveChildren() {
        return forks.live();
    }

    /** Open client connections right now, upgraded or not (for tests and metrics). */
    public int openConnections() {
        return connections.size();
    }

    private List<InetSocketAddress> bindAddresses() throws ListenException {
        List<InetSocketAddress> out = new ArrayList<>();
        int port = config.listen().port();
        if (config.listen().addresses().isEmpty()) {
            out.add(new InetSocketAddress(port));
            return out;
        }
        for (String a : config.listen().addresses()) {
            String host = a.startsWith("[") && a.endsWith("]") ? a.substring(1, a.length() - 1) : a;
            try {
                out.add(new InetSocketAddress(InetAddress.getByName(host), port));
            } catch (UnknownHostException e) {
                throw new ListenException("listen tcp " + a + ":" + port + ": unknown host " + host, e);
            }
        }
        return out;
    }

    private static String describe(InetSocketAddress a) {
        String host = a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    /** As websocketd: an address bound on every interface is shown with the machine's host name. */
    private static String describe(InetSocketAddress bound, InetSocketAddress requested) {
        if (requested.getAddress() == null || requested.getAddress().isAnyLocalAddress()) {
            String name;
            try {
                name = InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                name = "localhost";
            }
            return name + ":" + bound.getPort();
        }
        return describe(bound);
    }

    /**
     * Orderly shutdown: stop accepting, 1001 to every client, wait for the children (the kill ladder ends
     * them within 850 + 3 * closems ms), then stop. Bounded in time. Safe to call more than once.
     */
    public void shutdown() {
        if (stopping) {
            return;
        }
        stopping = true;
        if (notifier != null) {
            notifier.notify("STOPPING=1");
        }
        LOG.info("Shutting down: closing {} connections", connections.size());
        if (roomBus != null) {
            // First leave the bus: the rooms run here are released for another instance to take over at once
            // (their programs are ended below like any other, which the other instances then ignore).
            roomBus.close();
        }
        if (sessions != null) {
            sessions.shutdown();
        }
        for (Channel l : listeners) {
            l.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        }
        for (Channel l : otherListeners) {
            l.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        }
        for (Channel c : connections) {
            c.eventLoop().execute(() -> {
                SessionBridge bridge = c.pipeline().get(SessionBridge.class);
                if (bridge != null) {
                    bridge.shutdown();
                } else {
                    c.close();
                }
            });
        }
        long ladderMs = 850 + 3 * config.children().closeMs() + 500;
        try {
            if (!forks.awaitNone(ladderMs, TimeUnit.MILLISECONDS)) {
                LOG.error("{} child processes still running after {} ms", forks.live(), ladderMs);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // Let the clients finish the closing handshake (their close frame back, then each connection closes
        // itself): a socket closed under an unread close frame is reset, and browsers report wasClean=false.
        connections.newCloseFuture().awaitUninterruptibly(1, TimeUnit.SECONDS);
        stopNow();
    }

    /** SIGHUP: read the authentication files and the TLS certificate and key again; connections go on. */
    public void reload() {
        if (auth != null) {
            auth.reload();
        }
        if (tlsReload != null) {
            tlsReload.run();
        }
    }

    /** Whether there is anything for SIGHUP to re-read (else SIGHUP keeps its default meaning). */
    public boolean reloadable() {
        return config.auth() != null || config.tls().enabled();
    }

    private void stopNow() {
        if (launcher != null) {
            launcher.close();
        }
        if (auth != null) {
            auth.close();
        }
        if (metrics != null) {
            metrics.close();
        }
        if (roomBus != null) {
            roomBus.close();
        }
        connections.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        acceptors.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
        acceptors.terminationFuture().awaitUninterruptibly(1, TimeUnit.SECONDS);
        if (unixSocket != null) {
            unixSocket.removeIfOurs();
        }
        if (reverseLookup != null) {
            reverseLookup.shutdown();
        }
        terminated.countDown();
    }

    /** Blocks until {@link #shutdown()} has finished. */
    public void awaitTermination() throws InterruptedException {
        terminated.await();
    }
}
