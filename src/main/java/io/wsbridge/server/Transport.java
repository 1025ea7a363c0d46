package io.wsbridge.server;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;

/**
 * Netty's native epoll transport on Linux, NIO elsewhere (or with -Dwsbridge.transport=nio). Both serve
 * Unix domain sockets too (NIO through Java 16's UnixDomainSocketAddress).
 */
record Transport(String name, IoHandlerFactory ioHandlers, Class<? extends ServerChannel> serverChannel,
                 Class<? extends ServerChannel> domainServerChannel) {

    static Transport choose() {
        boolean nioForced = "nio".equals(System.getProperty("wsbridge.transport"));
        if (!nioForced && Epoll.isAvailable()) {
            return new Transport("epoll", EpollIoHandler.newFactory(), EpollServerSocketChannel.class,
                    EpollServerDomainSocketChannel.class);
        }
        return new Transport("nio", NioIoHandler.newFactory(), NioServerSocketChannel.class,
                NioServerDomainSocketChannel.class);
    }

    /** The client socket channel of this transport (--authurl's requests). */
    Class<? extends io.netty.channel.Channel> socketChannel() {
        return "epoll".equals(name) ? io.netty.channel.epoll.EpollSocketChannel.class
                : io.netty.channel.socket.nio.NioSocketChannel.class;
    }

    EventLoopGroup newGroup(int threads) {
        return new MultiThreadIoEventLoopGroup(threads, ioHandlers);
    }

    /** The address of a Unix domain socket, in the form this transport's channel binds. */
    SocketAddress domainAddress(Path path) {
        return "epoll".equals(name) ? new DomainSocketAddress(path.toString()) : UnixDomainSocketAddress.of(path);
    }

    /** Event loops: one per core by default (each serves sockets and the pipes of their children). */
    static int threads() {
        Integer forced = Integer.getInteger("wsbridge.threads");
        return forced != null && forced > 0 ? forced : Math.max(2, Runtime.getRuntime().availableProcessors());
    }
}
