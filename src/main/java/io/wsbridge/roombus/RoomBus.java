package io.wsbridge.roombus;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SetArgs;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.wsbridge.logging.LogScope;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Several wsbridge instances share rooms through one Redis: per room, exactly one instance (the lease holder)
 * runs the program; the others send their clients' events to it through the room's in stream and deliver the
 * out stream (what the program printed) to their own clients. One per server, made only when --roombus is given.
 *
 * <p>Threads: all bus state lives on one thread of its own ("wsbridge-roombus"); Lettuce adds its fixed I/O and
 * timer threads. Two connections: one for commands (ordered, so a client's events keep their order), one for the
 * blocking XREAD that follows every stream this instance needs. While Redis is out of reach nothing queues up:
 * output for other instances and messages for programs elsewhere are dropped (and counted), and Lettuce
 * reconnects with back-off. Each change of state is one log line.
 */
public final class RoomBus implements AutoCloseable {
    static final String INSTANCE_PREFIX = "wsbridge:instance:";
    private static final long BLOCK_MS = 1000;
    private static final int READ_COUNT = 512;
    private static final byte[] WAKE_FIELD = {'w'};

    private final BusSettings settings;
    private final String instanceId;
    private final LogScope log;
    private final ClientResources resources;
    private final RedisClient client;
    private final StatefulRedisConnection<byte[], byte[]> commandConnection;
    private final StatefulRedisConnection<byte[], byte[]> readerConnection;
    final RedisAsyncCommands<byte[], byte[]> redis;
    private final RedisAsyncCommands<byte[], byte[]> reader;
    final BusScripts scripts;
    final ScheduledThreadPoolExecutor loop;
    /** Runs tasks on the bus thread; once the bus is closed, they are dropped (late replies, late calls). */
    final Executor onLoop;
    private final byte[] instanceKey;
    private final byte[] wakeKey;
    private final AtomicBoolean closing = new AtomicBoolean();
    private final AtomicBoolean abandoned = new AtomicBoolean();

    // Bus thread only.
    private final Map<String, BusRoom> rooms = new LinkedHashMap<>();
    private final Map<String, BusRoom> byStream = new HashMap<>();
    private boolean up = true;
    private boolean pumping;
    private boolean closed;
    private String wakeCursor = "0-0";
    private boolean heartbeatSeen;
    private long droppedWhileDown;
    private long acquireNotBefore = System.nanoTime();

    private RoomBus(BusSettings settings, String instanceId, ClientResources resources, RedisClient client,
                    StatefulRedisConnection<byte[], byte[]> commandConnection,
                    StatefulRedisConnection<byte[], byte[]> readerConnection) {
        this.settings = settings;
        this.instanceId = instanceId;
        this.log = LogScope.of("roombus").with("bus", settings.address()).with("instance", instanceId);
        this.resources = resources;
        this.client = client;
        this.commandConnection = commandConnection;
        this.readerConnection = readerConnection;
        this.redis = commandConnection.async();
        this.reader = readerConnection.async();
        this.instanceKey = BusScripts.bytes(INSTANCE_PREFIX + instanceId);
        this.wakeKey = BusScripts.bytes(INSTANCE_PREFIX + instanceId + ":wake");
        this.scripts = new BusScripts(redis, instanceId, INSTANCE_PREFIX, settings);
        this.loop = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "wsbridge-roombus");
            t.setDaemon(true);
            return t;
        });
        loop.setRemoveOnCancelPolicy(true);
        this.onLoop = task -> {
            try {
                loop.execute(task);
            } catch (RejectedExecutionException e) {
                // closed
            }
        };
    }

    /**
     * Connects to Redis (failing at once, with the URL in the message, when it cannot be reached) and starts the
     * heartbeat. The instance id is random and short; it is part of every client id made here.
     */
    public static RoomBus connect(BusSettings settings) throws BusUnavailableException {
        BusAddress a = settings.address();
        RedisURI.Builder uri = RedisURI.builder().withHost(a.host()).withPort(a.port()).withDatabase(a.database())
                .withSsl(a.tls()).withTimeout(Duration.ofSeconds(10));
        if (a.password() != null) {
            if (a.user() != null) {
                uri.withAuthentication(a.user(), a.password().toCharArray());
            } else {
                uri.withPassword(a.password().toCharArray());
            }
        }
        // Fixed, small thread pools: the bus moves few, batched commands; it must not grow while Redis is away.
        ClientResources resources = ClientResources.builder().ioThreadPoolSize(1).computationThreadPoolSize(1)
                // Back-off capped at a third of the lease, so that an owner is back before the others may take
                // its room over (see acquireNotBefore).
                .reconnectDelay(Delay.exponential(Duration.ofMillis(100),
                        Duration.ofMillis(Math.max(200, settings.leaseMs() / 3)), 2, TimeUnit.MILLISECONDS))
                .build();
        RedisClient client = RedisClient.create(resources);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .requestQueueSize(100_000)
                .socketOptions(SocketOptions.builder().connectTimeout(Duration.ofSeconds(5)).keepAlive(true).build())
                .timeoutOptions(TimeoutOptions.enabled(Duration.ofSeconds(10)))
                .build());
        StatefulRedisConnection<byte[], byte[]> commands = null;
        StatefulRedisConnection<byte[], byte[]> reader = null;
        try {
            RedisURI target = uri.build();
            commands = client.connect(ByteArrayCodec.INSTANCE, target);
            reader = client.connect(ByteArrayCodec.INSTANCE, target);
            checkVersion(commands, a);
        } catch (RuntimeException | BusUnavailableException e) {
            closeQuietly(commands);
            closeQuietly(reader);
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            resources.shutdown(0, 2, TimeUnit.SECONDS);
            if (e instanceof BusUnavailableException b) {
                throw b;
            }
            throw new BusUnavailableException("Can't reach the room bus at " + a + ": " + rootMessage(e), e);
        }
        RoomBus bus = new RoomBus(settings, newInstanceId(), resources, client, commands, reader);
        bus.start();
        return bus;
    }

    private static void checkVersion(StatefulRedisConnection<byte[], byte[]> c, BusAddress a)
            throws BusUnavailableException {
        String info = c.sync().info("server");
        for (String line : info.split("\r?\n")) {
            if (line.startsWith("redis_version:")) {
                String[] v = line.substring("redis_version:".length()).trim().split("\\.");
                int major = Integer.parseInt(v[0]);
                int minor = v.length > 1 ? Integer.parseInt(v[1]) : 0;
                if (major < 6 || major == 6 && minor < 2) {
                    throw new BusUnavailableException("The room bus at " + a + " runs Redis " + String.join(".", v)
                            + "; wsbridge needs Redis 6.2 or later", null);
                }
            }
        }
    }

    private void start() {
        client.addListener(new RedisConnectionStateListener() {
            @Override
            public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress address) {
                onLoop.execute(RoomBus.this::connectionChanged);
            }

            @Override
            public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
                onLoop.execute(RoomBus.this::connectionChanged);
            }
        });
        long period = settings.leaseMs() / 3;
        loop.execute(this::heartbeat);
        loop.scheduleWithFixedDelay(this::tick, period, period, TimeUnit.MILLISECONDS);
        loop.execute(this::pump);
        log.info("Room bus connected to {} as instance {}", settings.address(), instanceId);
    }

    /** This instance's id in the cluster (also in the join events of its clients). */
    public String instanceId() {
        return instanceId;
    }

    /** Whether Redis is reachable right now. */
    public boolean connected() {
        return commandConnection.isOpen() && readerConnection.isOpen();
    }

    /**
     * Opens this instance's presence in a room (call when its first local client arrives; close it when the room
     * ends here). {@code historySize} is --roomhistory.
     */
    public BusRoom open(String room, int historySize, RoomEvents events) {
        BusRoom r = new BusRoom(this, room, RoomKeys.of(room), historySize, events);
        onLoop.execute(() -> {
            if (closed) {
                return;
            }
            BusRoom old = rooms.put(room, r);
            if (old != null) {
                // One presence per room: a new one replaces an old one the room layer forgot to close.
                forget(old);
            }
            byStream.put(r.keys().outName(), r);
            byStream.put(r.keys().inName(), r);
            r.open(up);
        });
        return r;
    }

    // ---- called by BusRoom, on the bus thread ----

    boolean up() {
        return up;
    }

    long leaseMs() {
        return settings.leaseMs();
    }

    BusSettings settings() {
        return settings;
    }

    LogScope log() {
        return log;
    }

    void forget(BusRoom r) {
        rooms.remove(r.name(), r);
        byStream.remove(r.keys().outName(), r);
        byStream.remove(r.keys().inName(), r);
        wake();
    }

    /** Whether followers may try to take leases over now (not right after a reconnection). */
    boolean mayAcquire() {
        return System.nanoTime() - acquireNotBefore >= 0;
    }

    void leaseReleased(String room) {
        BusRoom r = rooms.get(room);
        if (r != null && !closed) {
            r.retryAcquire();
        }
    }

    void droppedWhileDown(int n) {
        droppedWhileDown += n;
    }

    /** The set of streams to read changed: end the blocking XREAD now rather than at its timeout. */
    void wake() {
        if (up && !closed) {
            redis.xadd(wakeKey, XAddArgs.Builder.maxlen(1), WAKE_FIELD, WAKE_FIELD);
            // Each start makes a new instance id: its wake stream must not stay in Redis for ever (KEEP_MS in
            // common.lua). A reader blocked on it sees the next entry whether or not the key lapsed meanwhile.
            redis.pexpire(wakeKey, Math.max(60_000, 10 * settings.leaseMs()));
        }
    }

    // ---- the bus thread's work ----

    private void connectionChanged() {
        boolean now = connected();
        if (now == up || closed) {
            return;
        }
        up = now;
        if (!now) {
            log.error("Room bus lost: {} is out of reach; clients stay connected, joins to rooms run elsewhere get 503,"
                    + " reconnecting with back-off", settings.address());
            for (BusRoom r : rooms.values()) {
                r.down();
            }
            return;
        }
        log.info("Room bus back: {} reached again{}", settings.address(),
                droppedWhileDown > 0 ? "; " + droppedWhileDown + " messages for programs elsewhere were dropped meanwhile" : "");
        droppedWhileDown = 0;
        // If Redis lost its data, every lease is gone: the owners take theirs back on reconnecting, so the others
        // hold back from taking over for one lease.
        acquireNotBefore = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settings.leaseMs());
        heartbeat();
        for (BusRoom r : new ArrayList<>(rooms.values())) {
            r.reconnected();
        }
        pump();
    }

    private void heartbeat() {
        if (!up || closed) {
            return;
        }
        redis.setGet(instanceKey, BusScripts.bytes("1"), SetArgs.Builder.px(settings.leaseMs()))
                .whenCompleteAsync((previous, error) -> {
                    if (error != null || closed) {
                        return;
                    }
                    if (previous == null && heartbeatSeen) {
                        // Our key lapsed (we were paused or cut off): others may have purged our members.
                        log.info("Room bus: this instance's heartbeat had lapsed; registering its clients again");
                        for (BusRoom r : rooms.values()) {
                            r.resync();
                        }
                    }
                    heartbeatSeen = true;
                }, onLoop);
    }

    private void tick() {
        if (!up || closed) {
            return;
        }
        heartbeat();
        for (BusRoom r : new ArrayList<>(rooms.values())) {
            r.tick();
        }
    }

    /** One blocking XREAD at a time over the wake stream and every stream a room here needs. */
    private void pump() {
        if (!up || pumping || closed) {
            return;
        }
        List<XReadArgs.StreamOffset<byte[]>> offsets = new ArrayList<>();
        offsets.add(XReadArgs.StreamOffset.from(wakeKey, wakeCursor));
        for (BusRoom r : rooms.values()) {
            r.addOffsets(offsets);
        }
        pumping = true;
        @SuppressWarnings("unchecked")
        XReadArgs.StreamOffset<byte[]>[] array = offsets.toArray(new XReadArgs.StreamOffset[0]);
        reader.xread(XReadArgs.Builder.block(BLOCK_MS).count(READ_COUNT), array)
                .whenCompleteAsync((messages, error) -> {
                    pumping = false;
                    if (closed) {
                        return;
                    }
                    if (error != null) {
                        if (up) {
                            loop.schedule(this::pump, 100, TimeUnit.MILLISECONDS);
                        }
                        return;
                    }
                    dispatch(messages);
                    pump();
                }, onLoop);
    }

    private void dispatch(List<StreamMessage<byte[], byte[]>> messages) {
        Map<BusRoom, Boolean> touched = new LinkedHashMap<>();
        Map<BusRoom, Boolean> flushed = new LinkedHashMap<>();
        for (StreamMessage<byte[], byte[]> m : messages) {
            String stream = new String(m.getStream(), StandardCharsets.UTF_8);
            BusRoom r = byStream.get(stream);
            if (r == null) {
                if (stream.endsWith(":wake")) {
                    wakeCursor = m.getId();
                }
                continue;
            }
            if (stream.equals(r.keys().outName())) {
                r.onOut(m.getId(), m.getBody());
                flushed.put(r, Boolean.TRUE);
            } else if (r.onIn(m.getId(), m.getBody())) {
                touched.put(r, Boolean.TRUE);
            }
        }
        for (BusRoom r : touched.keySet()) {
            r.consumed();
        }
        for (BusRoom r : flushed.keySet()) {
            r.outputFlush();
        }
    }

    /** Field {@code name} of a stream entry (the codec's map has array keys, so look by content). */
    static byte[] field(Map<byte[], byte[]> body, char name) {
        for (Map.Entry<byte[], byte[]> e : body.entrySet()) {
            byte[] k = e.getKey();
            if (k.length == 1 && k[0] == name) {
                return e.getValue();
            }
        }
        return null;
    }

    /**
     * Leaves the bus: rooms run here give up their leases (so others take over at once rather than after the
     * lease), this instance's members are removed, the heartbeat key goes, and the connections close.
     */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            loop.execute(() -> {
                if (closed) {
                    done.complete(null);
                    return;
                }
                List<CompletableFuture<?>> pending = new ArrayList<>();
                for (BusRoom r : new ArrayList<>(rooms.values())) {
                    pending.add(r.shutdown());
                }
                if (up) {
                    pending.add(redis.del(instanceKey, wakeKey).toCompletableFuture());
                }
                closed = true;
                CompletableFuture.allOf(pending.toArray(new CompletableFuture[0]))
                        .whenComplete((v, e) -> done.complete(null));
            });
            done.get(3, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RejectedExecutionException e) {
            // Going away regardless: the leases lapse on their own.
        }
        abandon();
    }

    /** Drops everything without a word to Redis, as a killed process would (tests use it for kill -9). */
    void abandon() {
        if (abandoned.getAndSet(true)) {
            return;
        }
        loop.shutdownNow();
        closeQuietly(commandConnection);
        closeQuietly(readerConnection);
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        resources.shutdown(0, 2, TimeUnit.SECONDS);
    }

    private static void closeQuietly(StatefulRedisConnection<?, ?> c) {
        if (c != null) {
            try {
                c.close();
            } catch (RuntimeException e) {
                // closing anyway
            }
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage();
        return m != null ? m : t.getClass().getSimpleName();
    }

    private static String newInstanceId() {
        String alphabet = "abcdefghijkmnpqrstuvwxyz23456789";
        SecureRandom random = new SecureRandom();
        StringBuilder sb = new StringBuilder(8);
        for (int i = 0; i < 8; i++) {
            sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return sb.toString();
    }
}
