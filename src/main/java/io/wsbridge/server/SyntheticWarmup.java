package io.wsbridge.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.wsbridge.framing.Framers;
import io.wsbridge.framing.Framing;
import io.wsbridge.framing.InputFramer;
import io.wsbridge.framing.OutputFramer;
import io.wsbridge.http.RequestInfo;
import io.wsbridge.http.ResponseHeaders;
import io.wsbridge.http.TrustedProxies;
import io.wsbridge.logging.LogScope;
import io.wsbridge.session.ClientEndpoint;
import io.wsbridge.session.ClientEvents;
import io.wsbridge.session.SessionStrategy;
import io.wsbridge.websocket.UpgradePolicy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * A bounded rehearsal of the per-connection and per-message code, in-process, while the server has nothing
 * else to do: a fresh JVM runs that code in its interpreter until each method has been called a few hundred
 * times, so the first connections and round trips of a new server are several times slower than later ones.
 * Here a real pipeline ({@link ServerInitializer}'s own stages, on an {@code EmbeddedChannel}: HTTP upgrade,
 * 101, frame decoding and unmasking, UTF-8 check, closing handshake, line framing both ways, frame encoding,
 * pooled buffers) serves synthetic clients whose "program" is an echo in memory; then clients over a socket
 * pair on the server's epoll loops, for the socket code, whose sessions are the server's own kind (session,
 * program, the pipe code) with a pipe for a program ({@link SocketRehearsal#loopbackSessions}). No listening
 * socket, no process, no log line, no request id or connection count of the real server: nothing a client can
 * observe, except the CPU it takes (about 230 ms, once).
 *
 * <p>It only uses idle time: it waits while any real connection is open (checked between two synthetic
 * connections: a few ms each for the first, interpreted, well under one once compiled; and after a short pause
 * at the start, for a client that was waiting for the port) and gives up for good at its deadline, so a real
 * client does not wait for it. Bounded in connections, messages and time.
 */
final class SyntheticWarmup extends Thread {
    /**
     * Synthetic connections, each with {@link #ROUND_TRIPS} single echoes and {@link #BATCHES} pipelined batches:
     * 672 messages in all, so the per-message methods pass the quick compiler's threshold (about 200 calls), and
     * each connection's one-off set-up is done. About 80-90 ms of CPU with the compiler's share (120 connections
     * with 2640 messages took 210 ms, for little more).
     */
    static final int CONNECTIONS = 16;
    static final int ROUND_TRIPS = 10;
    static final int BATCH = 16;
    static final int BATCHES = 2;
    /**
     * Then synthetic clients over a socket pair on the server's loops ({@link SocketRehearsal}), each with
     * {@link #SOCKET_ROUND_TRIPS} single echoes and {@link #SOCKET_BATCHES} batches: the real socket's read and
     * write paths (cold throughput 1.7 x, cold churn 1.09 x, measured with ../shared/bench) and, through the
     * loopback programs, the session's and the pipes' (cold throughput 3.3 x more, p99 0.53 x). About 75 ms of
     * work.
     */
    static final int SOCKET_CONNECTIONS = 8;
    static final int SOCKET_ROUND_TRIPS = 40;
    static final int SOCKET_BATCHES = 4;
    /**
     * Then this many more over socket pairs, each with a single echo, for the code that runs once per connection
     * (the channels' and pipeline's set-up, the upgrade, the session and its program's life cycle). It takes far
     * more connections than the 20 calls of the lowered threshold for io.* (see bin/wsbridge): the JDK's methods
     * on that path keep the usual thresholds (about 200 calls, looked at every 128). Measured with ../shared/bench,
     * cold, 8 + 128 against 8 without: churn 1.20 x, server CPU during it 0.70 x; against 8 + 24: churn 1.13 x,
     * CPU 0.72 x. About 85 ms more work, once.
     */
    static final int SOCKET_SHORT_CONNECTIONS = 128;
    /** The most time spent working (not waiting for idle), and the deadline from the start, waits included. */
    static final long WORK_NANOS = 300_000_000L;
    static final long DEADLINE_NANOS = 10_000_000_000L;
    private static final long IDLE_CHECK_NANOS = 20_000_000L;
    /**
     * How long the rehearsal lets the server be before its first synthetic connection. A client that was waiting
     * for the port (a health check, a CI smoke test, a supervisor's readiness probe) connects within milliseconds
     * of the listen; started at once, the rehearsal's first connection (a few ms, interpreted, and the compiler
     * busy with what it runs) would share the two cores with that client's, which it cannot speed up any more.
     * After this pause it finds the client there and waits. Launch -> first echo 7 ms shorter (bench/first-echo-ab).
     */
    private static final long QUIET_START_NANOS = 25_000_000L;
    /** --headertimeoutms's default: on real loops the request head's deadline runs too. */
    private static final long HEADER_TIMEOUT_MS = 10_000;
    private static final LogScope LOG = LogScope.of("server");

    private static final byte[] UPGRADE = ("GET /warmup HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
            + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
            + "\r\n").getBytes(StandardCharsets.US_ASCII);
    static final byte[] MESSAGE = "warm-up 0123456".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MASK = {0x37, (byte) 0xfa, 0x21, 0x3d};

    private final ServerInitializer pipeline;
    private final ByteBufAllocator alloc;
    private final boolean binary;
    private final BooleanSupplier busy;
    private final BooleanSupplier stopping;
    private final SocketRehearsal sockets;
    private long workNanos = WORK_NANOS;
    private volatile int connectionsDone;
    private volatile int socketConnectionsDone;
    /** Echoed messages and connections the closing handshake ended, as the pipeline saw them (for tests). */
    private volatile int messagesEchoed;
    private volatile int closedCleanly;

    /**
     * @param alloc          the server's allocator (its buffer classes are the ones to rehearse)
     * @param binary         --binary: binary messages and raw chunks, as the real sessions
     * @param framing        --framing
     * @param maxMessageSize --maxframesize (whether the size stage is in the pipeline)
     * @param busy           true while real connections are open: wait
     * @param stopping       true once the server shuts down: stop
     */
    SyntheticWarmup(ByteBufAllocator alloc, boolean binary, Framing framing, long maxMessageSize,
                    BooleanSupplier busy, BooleanSupplier stopping) {
        this(alloc, binary, framing, maxMessageSize, busy, stopping, null, null);
    }

    /**
     * @param loops    the server's event loops, for the synthetic clients over a socket pair (null: none)
     * @param programs the sessions those clients get: the server's own kind, with loopback programs
     *                 ({@link SocketRehearsal#loopbackSessions})
     */
    SyntheticWarmup(ByteBufAllocator alloc, boolean binary, Framing framing, long maxMessageSize,
                    BooleanSupplier busy, BooleanSupplier stopping, EventLoopGroup loops, SessionStrategy programs) {
        super("wsbridge-warmup");
        setDaemon(true);
        setPriority(MIN_PRIORITY); // a hint only (Linux ignores it): pausing while busy keeps it out of the way
        this.alloc = alloc;
        this.binary = binary;
        this.busy = busy;
        this.stopping = stopping;
        SessionStrategy echo = (RequestInfo request, String subprotocol) -> new EchoSession(binary, framing,
                maxMessageSize, alloc, this);
        this.pipeline = pipeline(echo, maxMessageSize);
        this.sockets = programs == null ? null
                : SocketRehearsal.on(loops, pipeline(programs, maxMessageSize), alloc);
    }

    /** {@link ServerInitializer}'s stages for one kind of synthetic session, with the server's defaults. */
    private static ServerInitializer pipeline(SessionStrategy sessions, long maxMessageSize) {
        return new ServerInitializer(new DefaultChannelGroup(ImmediateEventExecutor.INSTANCE), sessions,
                UpgradePolicy.ALLOW_ALL, ResponseHeaders.NONE, List.of(), maxMessageSize, null, 0, List.of(),
                false, TrustedProxies.NONE, false, HEADER_TIMEOUT_MS, 0, List.of(), null);
    }

    /**
     * WSBRIDGE_WARMUP=0 (or off, false, no) leaves the warm-up out: to measure a cold server, or where its one-off
     * CPU matters more than the speed of the first connections.
     */
    static boolean wanted(Map<String, String> environment) {
        String v = environment.get("WSBRIDGE_WARMUP");
        return v == null || !List.of("0", "off", "false", "no").contains(v.trim().toLowerCase(Locale.ROOT));
    }

    /** Another bound for the work (tests: so that a slow machine does not cut the rehearsal short). */
    SyntheticWarmup workLimit(long nanos) {
        this.workNanos = nanos;
        return this;
    }

    /** Synthetic connections served so far (for tests). */
    int connectionsDone() {
        return connectionsDone;
    }

    /** Synthetic connections over a socket pair served so far (for tests). */
    int socketConnectionsDone() {
        return socketConnectionsDone;
    }

    /** Bytes the synthetic clients over a socket pair got back (for tests). */
    long socketBytesAnswered() {
        return sockets == null ? 0 : sockets.answeredBytes();
    }

    int messagesEchoed() {
        return messagesEchoed;
    }

    int closedCleanly() {
        return closedCleanly;
    }

    @Override
    public void run() {
        long start = System.nanoTime();
        long worked = 0;
        try {
            LockSupport.parkNanos(QUIET_START_NANOS);
            for (int i = 0; i < CONNECTIONS && worked < workNanos; i++) {
                if (!idle(start)) {
                    return;
                }
                long t = System.nanoTime();
                connection(i);
                worked += System.nanoTime() - t;
                connectionsDone = i + 1;
            }
            for (int i = 0; sockets != null && i < SOCKET_CONNECTIONS + SOCKET_SHORT_CONNECTIONS
                    && worked < workNanos; i++) {
                if (!idle(start)) {
                    return;
                }
                long t = System.nanoTime();
                int n = i;
                boolean full = i < SOCKET_CONNECTIONS;
                boolean answered = sockets.connection(wire -> play(wire, n, full ? SOCKET_ROUND_TRIPS : 1,
                        full ? SOCKET_BATCHES : 0), () -> over(start));
                worked += System.nanoTime() - t;
                if (!answered) {
                    break;
                }
                socketConnectionsDone = i + 1;
            }
        } catch (RuntimeException | LinkageError | java.io.IOException e) {
            // Only a head start: whatever went wrong here goes wrong, and is reported, where it matters.
            LOG.debug("Warm-up stopped: {}", e.toString());
        } finally {
            LOG.debug("Warm-up: {} synthetic connections, {} over a socket pair, {} ms of work, {} ms after its start",
                    connectionsDone, socketConnectionsDone, worked / 1_000_000, (System.nanoTime() - start) / 1_000_000);
        }
    }

    /** Waits until no real connection is open; false when the server stops or the deadline passes first. */
    private boolean idle(long start) {
        while (busy.getAsBoolean()) {
            if (over(start)) {
                return false;
            }
            LockSupport.parkNanos(IDLE_CHECK_NANOS); // a bounded wait for idle time, not a hand-off
        }
        return !over(start);
    }

    /** The server is stopping, or the deadline (counted from {@code start}) has passed. */
    private boolean over(long start) {
        return stopping.getAsBoolean() || System.nanoTime() - start > DEADLINE_NANOS;
    }

    /** Where a synthetic client's bytes go; false when they were not answered (the client then gives up). */
    interface Wire {
        boolean send(ByteBuf data);
    }

    /** One synthetic client in memory, on an {@code EmbeddedChannel}. */
    private void connection(int n) {
        EmbeddedChannel ch = new EmbeddedChannel();
        try {
            ch.config().setAllocator(alloc);
            ch.pipeline().addLast(pipeline);
            play(data -> {
                ch.writeInbound(data);
                drain(ch);
                return true;
            }, n, ROUND_TRIPS, BATCHES);
            if (!ch.isActive()) {
                closedCleanly++;
            }
        } finally {
            ch.finishAndReleaseAll();
        }
    }

    /**
     * A synthetic client's script, the same in memory and over a socket pair: upgrade, single echoes, pipelined
     * batches of {@link #BATCH}, then a close frame without payload (the close frame comes back, then FIN).
     */
    private boolean play(Wire wire, int n, int roundTrips, int batches) {
        if (!wire.send(alloc.directBuffer(UPGRADE.length).writeBytes(UPGRADE))) {
            return false;
        }
        for (int i = 0; i < roundTrips; i++) {
            if (!wire.send(frames(1, 0x0, n + i))) {
                return false;
            }
        }
        for (int i = 0; i < batches; i++) {
            if (!wire.send(frames(BATCH, 0x0, n))) {
                return false;
            }
        }
        return wire.send(frames(1, 0x8, n));
    }

    /** {@code count} masked client frames of {@code opcode} (0: a data message) in one buffer, as one read. */
    private ByteBuf frames(int count, int opcode, int salt) {
        int op = opcode != 0 ? opcode : binary ? 0x2 : 0x1;
        int payload = op == 0x8 ? 0 : MESSAGE.length;
        ByteBuf b = alloc.directBuffer(count * (6 + payload));
        for (int f = 0; f < count; f++) {
            b.writeByte(0x80 | op).writeByte(0x80 | payload);
            int mask = b.writerIndex();
            b.writeBytes(MASK);
            for (int i = 0; i < payload; i++) {
                byte c = i == payload - 1 ? (byte) ('0' + (salt + f) % 10) : MESSAGE[i];
                b.writeByte(c ^ b.getByte(mask + (i & 3)));
            }
        }
        return b;
    }

    private static void drain(EmbeddedChannel ch) {
        ch.runPendingTasks();
        for (Object o; (o = ch.readOutbound()) != null; ) {
            ReferenceCountUtil.release(o);
        }
    }

    /**
     * The "program": what the client sends goes through the session's input framing (as to stdin) and comes
     * back through its output framing (as from stdout), in one buffer per read, as a pipe read would give it.
     */
    private static final class EchoSession implements SessionStrategy.PreparedSession, ClientEvents {
        private final InputFramer input;
        private final boolean binary;
        private final Framing framing;
        private final long maxMessage;
        private final ArrayDeque<ByteBuf> stdin = new ArrayDeque<>();
        private final SyntheticWarmup counts;
        private ClientEndpoint client;
        private OutputFramer output;

        EchoSession(boolean binary, Framing framing, long maxMessage, ByteBufAllocator alloc, SyntheticWarmup counts) {
            this.counts = counts;
            this.binary = binary;
            this.framing = framing;
            this.maxMessage = maxMessage;
            this.input = Framers.input(framing, binary, alloc);
        }

        @Override
        public ClientEvents start(ClientEndpoint client) {
            this.client = client;
            this.output = Framers.output(framing, binary, maxMessage, client.alloc());
            client.open();
            return this;
        }

        @Override
        public void abandon() {
        }

        @Override
        public void clientMessage(ByteBuf data, boolean binary, boolean last) {
            if (input.accepts(binary)) {
                input.frame(data, binary, last, stdin::add);
            } else {
                data.release();
            }
        }

        @Override
        public void clientReadComplete() {
            int size = 0;
            for (ByteBuf b : stdin) {
                size += b.readableBytes();
            }
            if (size == 0) {
                return;
            }
            ByteBuf read = client.alloc().directBuffer(size);
            for (ByteBuf b; (b = stdin.poll()) != null; ) {
                read.writeBytes(b);
                b.release();
            }
            output.frame(read, (payload, binary, first, last) -> {
                if (last) {
                    counts.messagesEchoed++; // one writer at a time: the warm-up thread, or the loop of its one socket client
                }
                client.fragment(payload, binary, first, last);
            });
            client.flush();
        }

        @Override
        public void clientWritable() {
        }

        @Override
        public void clientClosed(int code, String reason) {
            input.discard();
            if (output != null) {
                output.discard();
            }
            for (ByteBuf b; (b = stdin.poll()) != null; ) {
                b.release();
            }
        }
    }
}
