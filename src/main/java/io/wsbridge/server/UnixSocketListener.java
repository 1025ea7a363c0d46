package io.wsbridge.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The --unixsocket listener and its file: before binding, a socket left behind by a server that is gone is
 * removed, but a live one (something accepts connections on it) or anything that is not a socket is never
 * touched; after closing, our socket file is removed if it is still ours. Connections get the same pipeline
 * as TCP ones (TLS included, with --ssl).
 */
final class UnixSocketListener {
    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;

    private final Path path;
    private Object boundKey;
    private Channel channel;

    private UnixSocketListener(Path path) {
        this.path = path;
    }

    /** Clears a stale socket file, binds {@code path} and serves it with {@code initializer}. */
    static UnixSocketListener open(Path path, Transport transport, EventLoopGroup acceptors, EventLoopGroup loops,
                                   AcceptErrors accepting, ChannelHandler initializer,
                                   ByteBufAllocator alloc, WriteBufferWaterMark waterMark) throws ListenException {
        UnixSocketListener listener = new UnixSocketListener(path);
        listener.clearStale();
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(acceptors, loops)
                .channel(transport.domainServerChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .handler(accepting) // as on TCP: a failed accept pauses 20 ms, not a second
                .childOption(ChannelOption.ALLOCATOR, alloc)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, waterMark)
                .childHandler(initializer);
        ChannelFuture bound = bootstrap.bind(transport.domainAddress(path)).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            Throwable cause = bound.cause();
            throw new ListenException("listen unix " + path + ": " + ListenException.bindFailure(cause), cause);
        }
        listener.channel = bound.channel();
        listener.boundKey = listener.key();
        return listener;
    }

    Channel channel() {
        return channel;
    }

    /** Makes the path free to bind: removes a stale socket, refuses a live one or a non-socket. */
    private void clearStale() throws ListenException {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return;
        } catch (IOException e) {
            throw new ListenException("listen unix " + path + ": " + e.getMessage(), e);
        }
        if (!isSocket(attributes)) {
            throw new ListenException("listen unix " + path + ": the path exists and is not a socket; "
                    + "remove it or choose another path", null);
        }
        if (live()) {
            // websocketd's words ("is already in use") first: scripts grep for them.
            throw new ListenException("listen unix " + path + ": the socket is already in use: another server is "
                    + "listening on this socket", null);
        }
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new ListenException("listen unix " + path + ": cannot remove the stale socket: " + e.getMessage(), e);
        }
    }

    private boolean isSocket(BasicFileAttributes attributes) {
        try {
            Object mode = Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            return mode instanceof Integer m && (m & S_IFMT) == S_IFSOCK;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return attributes.isOther(); // no "unix" view: sockets are the usual "other" files
        }
    }

    /** Whether something accepts connections on the socket (a non-blocking connect that is not refused). */
    private boolean live() throws ListenException {
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.configureBlocking(false);
            probe.connect(UnixDomainSocketAddress.of(path));
            return true; // connected, or pending because its backlog is full: either way, it is alive
        } catch (ConnectException e) {
            return false; // ECONNREFUSED: nobody listens
        } catch (IOException e) {
            throw new ListenException("listen unix " + path + ": cannot check the existing socket: " + e.getMessage(),
                    e);
        }
    }

    /** Removes the socket file if it is still the one we bound (Netty normally removes it on close). */
    void removeIfOurs() {
        if (boundKey == null) {
            return;
        }
        Object now = key();
        if (boundKey.equals(now)) {
            try {
                Files.deleteIfExists(path);
            } catch (IOException ignored) {
                // nothing more to do while exiting
            }
        }
        boundKey = null;
    }

    private Object key() {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        } catch (IOException e) {
            return null;
        }
    }
}
