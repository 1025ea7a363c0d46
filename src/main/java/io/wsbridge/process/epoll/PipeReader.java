package io.wsbridge.process.epoll;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.unix.FileDescriptor;
import java.io.IOException;

/**
 * Reads the parent's end of a child's stdout or stderr on the event loop (level-triggered epoll), in
 * buffers that grow and shrink with what the child writes. Pausing takes the descriptor out of the read
 * interest, so an unread pipe fills and the child blocks on write: that is the backpressure.
 */
final class PipeReader implements EpollIoHandle {
    /** Where the bytes go; called on the event loop. */
    interface Sink {
        void data(ByteBuf chunk);

        void readComplete();

        void closed();
    }

    private static final int MIN_BUFFER = 512;
    private static final int MAX_BUFFER = 64 * 1024;
    /** Bounded work per wake-up so one busy child cannot starve the loop's other connections. */
    private static final int MAX_READS_PER_EVENT = 16;

    private final FileDescriptor fd;
    private final ByteBufAllocator alloc;
    private final Sink sink;
    private IoRegistration registration;
    private int nextSize = 2048;
    private boolean paused;
    private boolean closed;

    PipeReader(int fd, ByteBufAllocator alloc, Sink sink) {
        this.fd = new FileDescriptor(fd);
        this.alloc = alloc;
        this.sink = sink;
    }

    void register(IoEventLoop loop) throws IOException {
        registration = Registrations.register(loop, this);
        registration.submit(EpollIoOps.EPOLLIN);
    }

    @Override
    public FileDescriptor fd() {
        return fd;
    }

    @Override
    public void handle(IoRegistration reg, IoEvent event) {
        if (!closed && !paused) {
            readBurst();
        }
    }

    void pause() {
        if (!paused && !closed) {
            paused = true;
            // Edge-triggered with no interest: a hang-up is reported once instead of on every loop turn.
            registration.submit(EpollIoOps.EPOLLET);
        }
    }

    void resume() {
        if (paused && !closed) {
            paused = false;
            registration.submit(EpollIoOps.EPOLLIN);
        }
    }

    boolean isClosed() {
        return closed;
    }

    private void readBurst() {
        try {
            for (int i = 0; i < MAX_READS_PER_EVENT && !paused && !closed; i++) {
                ByteBuf buf = alloc.directBuffer(nextSize);
                int n;
                try {
                    n = read(buf);
                } catch (IOException e) {
                    buf.release();
                    throw e;
                }
                if (n <= 0) {
                    buf.release();
                    if (n < 0) {
                        closeAndReport();
                    }
                    break;
                }
                buf.writerIndex(n);
                boolean filled = n == buf.capacity();
                adjustSize(n, filled);
                sink.data(buf);
                if (!filled) {
                    break; // the pipe is most likely empty; epoll says so when it is not
                }
            }
        } catch (IOException e) {
            closeAndReport();
        }
        sink.readComplete();
    }

    private int read(ByteBuf buf) throws IOException {
        if (buf.hasMemoryAddress()) {
            return fd.readAddress(buf.memoryAddress(), 0, buf.capacity());
        }
        var nio = buf.internalNioBuffer(0, buf.capacity());
        return fd.read(nio, nio.position(), nio.limit());
    }

    private void adjustSize(int n, boolean filled) {
        if (filled && nextSize < MAX_BUFFER) {
            nextSize = Math.min(MAX_BUFFER, nextSize << 1);
        } else if (n < nextSize >> 2 && nextSize > MIN_BUFFER) {
            nextSize = Math.max(MIN_BUFFER, nextSize >> 1);
        }
    }

    private void closeAndReport() {
        if (!closed) {
            close();
            sink.closed();
        }
    }

    /** Stops watching and closes the descriptor (cancel first: the number may be reused at once). */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        Registrations.cancelAndClose(registration, fd);
    }
}
