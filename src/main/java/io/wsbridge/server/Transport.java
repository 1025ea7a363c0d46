package io.wsbridge.server;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;

/** Netty's native epoll transport on Linux, NIO elsewhere (or with -Dwsbridge.transport=nio). */
record Transport(String name, IoHandlerFactory ioHandlers, Class<? extends ServerChannel> serverChannel) {

    static Transport choose() {
        boolean nioForced = "nio".equals(System.getProperty("wsbridge.transport"));
        if (!nioForced && Epoll.isAvailable()) {
            return new Transport("epoll", EpollIoHandler.newFactory(), EpollServerSocketChannel.class);
        }
        return new Transport("nio", NioIoHandler.newFactory(), NioServerSocketChannel.class);
    }

    EventLoopGroup newGroup(int threads) {
        return new MultiThreadIoEventLoopGroup(threads, ioHandlers);
    }

    /** Event loops: one per core by default (each serves sockets and the pipes of their children). */
    static int threads() {
        Integer forced = Integer.getInteger("wsbridge.threads");
        return forced != null && forced > 0 ? forced : Math.max(2, Runtime.getRuntime().availableProcessors());
    }
}
