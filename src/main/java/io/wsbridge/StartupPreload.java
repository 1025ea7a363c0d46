package io.wsbridge;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerAdapter;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.epoll.Epoll;
import io.wsbridge.logging.DeferredNettyLogging;
import io.wsbridge.process.epoll.PosixStarter;
import java.nio.file.FileSystems;
import java.util.Set;
import org.slf4j.LoggerFactory;

/**
 * Start-up work that does not depend on the command line, begun on background threads while the main thread
 * parses it: loading the native libraries (JNA for posix_spawn, Netty's epoll) and setting up logging take
 * about as long as everything else before the server listens, and two cores can do them side by side.
 * Class initialisation is thread-safe, so the main thread simply waits where it needs one that is not done;
 * logging is the exception (SLF4J hands out stand-in loggers to callers that come while it initialises), so
 * the main thread waits for it explicitly before it logs anything.
 */
final class StartupPreload {
    /** Flags that only print something: no server follows, so nothing is preloaded. */
    private static final Set<String> PRINT_ONLY = Set.of("--help", "-help", "-h", "--version", "-version",
            "--license", "-license", "--printconfig", "-printconfig");

    /** Classes the first connection needs, initialised ahead of it (their static set-up is not free). */
    static final String[] FIRST_CONNECTION_HTTP = {
        "io.netty.buffer.PooledByteBufAllocator",
        "io.netty.handler.codec.http.HttpServerCodec",
        "io.netty.handler.codec.http.HttpHeaderNames",
        "io.netty.handler.codec.http.HttpHeaderValues",
        "io.netty.handler.codec.http.HttpResponseStatus",
        "io.netty.handler.codec.http.DefaultFullHttpResponse",
        "io.netty.handler.codec.http.websocketx.WebSocket08FrameEncoder",
        "io.netty.handler.timeout.IdleStateHandler",
        "io.wsbridge.http.HttpRequestRouter",
        "io.wsbridge.http.HttpExchangeGuard",
        "io.wsbridge.websocket.WebSocketUpgrade",
        "io.wsbridge.websocket.StreamingFrameDecoder",
        "io.wsbridge.websocket.CloseHandshake",
        "io.wsbridge.websocket.SessionBridge",
        "io.wsbridge.websocket.PendingUpgrade",
    };
    static final String[] FIRST_CONNECTION_PROCESS = {
        "io.wsbridge.session.Session",
        "io.wsbridge.session.ChildProgram",
        "io.wsbridge.process.ChildLifecycle",
        "io.wsbridge.framing.LineFramer",
        "io.wsbridge.utf8.Utf8Sanitizer",
        "io.wsbridge.process.epoll.PosixSpawner",
        "io.wsbridge.process.KillLadder",
    };
    /**
     * Classes whose static set-up calls into Netty's epoll library (PipeWriter reads Limits.IOV_MAX, a JNI
     * method): initialised only once Epoll has loaded that library. Run before it, the set-up fails with an
     * UnsatisfiedLinkError, and a class whose set-up failed stays unusable for the life of the JVM, so the
     * server could not even create its listening channel (it needs Limits too).
     */
    static final String[] FIRST_CONNECTION_EPOLL_PROCESS = {
        "io.wsbridge.process.epoll.EpollChildProcess",
        "io.wsbridge.process.epoll.PipeReader",
        "io.wsbridge.process.epoll.PipeWriter",
    };

    /**
     * Classes the main thread sets up as it builds the server and binds: the event loop group (the epoll parts
     * only once the library is loaded, see below), the bootstrap, channel ids, the channel group's executor.
     */
    static final String[] SERVER_START = {
        "io.netty.channel.MultiThreadIoEventLoopGroup",
        "io.netty.channel.SingleThreadIoEventLoop",
        "io.netty.util.concurrent.DefaultThreadFactory",
        "io.netty.util.concurrent.GlobalEventExecutor",
        "io.netty.bootstrap.ServerBootstrap",
        "io.netty.channel.DefaultChannelPipeline",
        "io.netty.channel.DefaultChannelId",
    };

    private final Thread logging;

    private StartupPreload(Thread logging) {
        this.logging = logging;
    }

    static StartupPreload startUnlessPrintOnly(String[] args) {
        for (String a : args) {
            if (PRINT_ONLY.contains(a)) {
                return new StartupPreload(null);
            }
        }
        DeferredNettyLogging.install(); // Netty's class set-up then need not wait for logging's
        Thread logging = Preload.start(Preload.LOGGING);
        Preload.start(Preload.SPAWN);
        Preload.start(Preload.EPOLL);
        Preload.start(Preload.REFLECTION);
        return new StartupPreload(logging);
    }

    /** Waits until logging is set up (call before the first log line). */
    void awaitLogging() {
        if (logging != null) {
            try {
                logging.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Netty asks each handler class whether it is {@code @Sharable} and which of its methods are {@code @Skip}.
     * The JDK answers with annotation objects, and the first object of each annotation type costs a dynamic proxy
     * class generated on the spot (Sharable, Skip, Deprecated, and Retention and Inherited to read Sharable's own
     * annotations): about 2 ms each, on the main thread as it binds and on the event loop at the first
     * connection. The same questions asked here generate them ahead.
     */
    private static void annotationProxies() throws NoSuchMethodException {
        ChannelInitializer.class.isAnnotationPresent(ChannelHandler.Sharable.class);
        ChannelHandlerAdapter.class.getMethod("exceptionCaught", ChannelHandlerContext.class, Throwable.class)
                .getDeclaredAnnotations(); // @Skip @Deprecated
    }

    /**
     * The first handshake's SHA-1 (Sec-WebSocket-Accept) sets up the JDK's security providers (their list, the
     * Sun provider and its entries, the checks for /dev/random): about 10 ms on the event loop, between the
     * request and the 101. Asked for here once, the event loop only makes its digest object.
     */
    private static void javaSecurity() throws java.security.NoSuchAlgorithmException {
        java.security.MessageDigest.getInstance("SHA-1");
    }

    private static void initialize(String[] classes) {
        ClassLoader loader = StartupPreload.class.getClassLoader();
        for (String name : classes) {
            try {
                Class.forName(name, true, loader);
            } catch (ClassNotFoundException | LinkageError ignored) {
                // only a head start; the real use reports real problems
            }
        }
    }

    /**
     * One preloading thread. A class of its own rather than lambdas: the first lambda of a JVM links the
     * invokedynamic machinery (about 10 ms of CPU), and that should not hold up the start of these threads.
     */
    private static final class Preload extends Thread {
        static final int LOGGING = 0;
        static final int SPAWN = 1;
        static final int EPOLL = 2;
        static final int REFLECTION = 3;
        private static final String[] NAMES = {"wsbridge-preload-logging", "wsbridge-preload-spawn",
            "wsbridge-preload-epoll", "wsbridge-preload-reflection"};
        private final int what;

        private Preload(int what) {
            super(NAMES[what]);
            this.what = what;
        }

        static Thread start(int what) {
            Thread t = new Preload(what);
            t.setDaemon(true);
            t.start();
            return t;
        }

        @Override
        public void run() {
            try {
                switch (what) {
                    case LOGGING:
                        try {
                            LoggerFactory.getILoggerFactory();
                        } finally {
                            DeferredNettyLogging.ready();
                        }
                        break;
                    case SPAWN:
                        PosixStarter.preload();
                        initialize(FIRST_CONNECTION_PROCESS);
                        // Waits for the epoll thread if it is still loading the library (class set-up is
                        // thread-safe).
                        if (Epoll.isAvailable()) {
                            initialize(FIRST_CONNECTION_EPOLL_PROCESS);
                        }
                        break;
                    case EPOLL:
                        Epoll.isAvailable();
                        initialize(FIRST_CONNECTION_HTTP);
                        break;
                    default:
                        FileSystems.getDefault(); // the command line's paths are checked with it
                        annotationProxies();
                        initialize(SERVER_START);
                        javaSecurity();
                        break;
                }
            } catch (Throwable ignored) {
                // the main thread runs into the same problem where it matters, and reports it there
            }
        }
    }
}
