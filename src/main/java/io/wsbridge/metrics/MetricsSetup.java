package io.wsbridge.metrics;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.wsbridge.process.ProcessLauncher;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

/**
 * --metrics=ADDR:PORT: the metrics, the probes that feed them, and their own listener (so scrapers and
 * health probes never reach the programs, and the main port needs no exception for them).
 */
public final class MetricsSetup {
    private final WsbridgeMetrics metrics;
    private final Probes probes;
    private Channel listener;
    /** --roombus: whether Redis is reachable (for /readyz); null without it. */
    private volatile BooleanSupplier roomBusConnected;

    /**
     * @param livePrograms programs running now
     * @param maxForks     --maxforks (0 or less: unlimited)
     */
    public MetricsSetup(IntSupplier livePrograms, int maxForks) {
        this.metrics = new WsbridgeMetrics(livePrograms, maxForks, true);
        this.probes = new Probes(metrics);
    }

    public PipelineProbes probes() {
        return probes;
    }

    /** The launcher, timed for the spawn latency histogram. */
    public ProcessLauncher timed(ProcessLauncher launcher) {
        return new TimedLauncher(launcher, metrics);
    }

    /**
     * --rooms: the rooms' metrics, to be told what happens in them (its classes load only now). Give it the
     * rooms to count with {@link RoomMetrics#countRooms}.
     *
     * @param bus whether --roombus is used (the counts are then this instance's part of each room)
     */
    public RoomMetrics rooms(boolean bus) {
        return new RoomMetrics(metrics.registry, bus);
    }

    /** --roombus: /readyz answers 503 while {@code connected} says Redis is out of reach; also a gauge. */
    public void watchRoomBus(BooleanSupplier connected) {
        roomBusConnected = connected;
        GaugeWithCallback.builder().name("wsbridge_roombus_connected")
                .help("1 while the room bus (--roombus, Redis) is reachable, else 0")
                .callback(cb -> cb.call(connected.getAsBoolean() ? 1 : 0)).register(metrics.registry);
    }

    /**
     * Listens on {@code address}; returns the bound address, or throws with the reason.
     *
     * @param listening whether the main listeners are up (for /readyz)
     */
    public InetSocketAddress listen(InetSocketAddress address, EventLoopGroup acceptors, EventLoopGroup loops,
                                    Class<? extends ServerChannel> serverChannel, BooleanSupplier listening,
                                    IntSupplier programs, int maxForks) throws Exception {
        ServerBootstrap b = new ServerBootstrap().group(acceptors, loops).channel(serverChannel)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast("idle", new IdleStateHandler(30, 30, 0, TimeUnit.SECONDS));
                        ch.pipeline().addLast("http-codec", new HttpServerCodec(4096, 8192, 8192));
                        ch.pipeline().addLast("aggregate", new HttpObjectAggregator(8192));
                        ch.pipeline().addLast("endpoint", new MetricsEndpoint(metrics, () -> readiness(listening,
                                programs, maxForks)));
                    }
                });
        ChannelFuture bound = b.bind(address).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            throw new Exception(bound.cause().getMessage(), bound.cause());
        }
        listener = bound.channel();
        return (InetSocketAddress) listener.localAddress();
    }

    private MetricsEndpoint.Readiness readiness(BooleanSupplier listening, IntSupplier programs, int maxForks) {
        BooleanSupplier bus = roomBusConnected;
        return new MetricsEndpoint.Readiness(listening.getAsBoolean(), programs.getAsInt(), maxForks, bus != null,
                bus != null && bus.getAsBoolean());
    }

    public void close() {
        if (listener != null) {
            listener.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        }
    }
}
