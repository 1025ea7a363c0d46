package io.wsbridge.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.wsbridge.logging.LogScope;
import io.wsbridge.systemd.SdNotify;
import io.wsbridge.systemd.SocketActivation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * systemd's side of start-up and shutdown: sockets passed in by socket activation ($LISTEN_FDS), and
 * notifications for Type=notify ($NOTIFY_SOCKET). A class of its own so that nothing of it (JNA's socket
 * calls, the exception types) is loaded unless those variables are set.
 */
final class SystemdHook {
    private static final LogScope LOG = LogScope.of("server");

    /** Tells the service manager about a state change; failures are logged, never fatal. */
    interface Notifier {
        void notify(String state);
    }

    private SystemdHook() {
    }

    /** The notifier for $NOTIFY_SOCKET, or null when it is not set. */
    static Notifier notifier(Map<String, String> environment) {
        SdNotify notify = SdNotify.fromEnvironment(environment);
        if (notify == null) {
            return null;
        }
        return state -> {
            try {
                notify.send(state);
            } catch (SdNotify.NotifyException e) {
                LOG.error("Cannot notify systemd ({}): {}", state.replace('\n', ' '), e.getMessage());
            }
        };
    }

    /** Whether sockets were passed to this process ($LISTEN_PID is ours). */
    static boolean activated(Map<String, String> environment) {
        return SocketActivation.requested(environment, ProcessHandle.current().pid());
    }

    /** A passed socket, serving. */
    record Served(Channel channel, String unixPath) {
    }

    /** Serves on the passed sockets (epoll only: only it can take a descriptor it did not open). */
    static List<Served> serve(Map<String, String> environment, Transport transport, EventLoopGroup acceptors,
                               EventLoopGroup loops, AcceptErrors accepting,
                               ChannelHandler initializer, ByteBufAllocator alloc, WriteBufferWaterMark waterMark)
            throws ListenException {
        if (!"epoll".equals(transport.name())) {
            throw new ListenException("socket activation needs the epoll transport (not " + transport.name() + ")",
                    null);
        }
        List<SocketActivation.Inherited> sockets;
        try {
            sockets = SocketActivation.sockets(environment);
        } catch (SocketActivation.ActivationException e) {
            throw new ListenException("socket activation: " + e.getMessage(), e);
        }
        List<Served> channels = new ArrayList<>();
        for (SocketActivation.Inherited s : sockets) {
            ServerChannel channel = s.unix() ? new EpollServerDomainSocketChannel(s.fd(), true)
                    : new EpollServerSocketChannel(s.fd());
            ServerBootstrap bootstrap = new ServerBootstrap()
                    .group(acceptors, loops)
                    .channelFactory(() -> channel)
                    .handler(accepting) // as on the sockets we bind: a failed accept pauses 20 ms
                    .childOption(ChannelOption.ALLOCATOR, alloc)
                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, waterMark)
                    .childHandler(initializer);
            if (!s.unix()) {
                bootstrap.childOption(ChannelOption.TCP_NODELAY, true);
            }
            ChannelFuture registered = bootstrap.register().awaitUninterruptibly();
            if (!registered.isSuccess()) {
                for (Served c : channels) {
                    c.channel().close();
                }
                throw new ListenException("socket activation: descriptor " + s.fd() + ": "
                        + registered.cause().getMessage(), registered.cause());
            }
            channels.add(new Served(registered.channel(), s.unixPath()));
        }
        LOG.info("Socket activation           : {} sockets passed in", channels.size());
        return channels;
    }
}
