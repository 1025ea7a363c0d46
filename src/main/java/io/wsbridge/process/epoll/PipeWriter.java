package io.wsbridge.process.epoll;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.unix.FileDescriptor;
import io.netty.channel.unix.Limits;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * Writes to the parent's end of a child's stdin: buffers are queued, then written with one writev per flush
 * (many WebSocket messages from one socket read become one system call). When the pipe is full the rest
 * waits for EPOLLOUT and the owner is told once it has drained; a pipe found full may grow first
 * ({@link PipeGrowth}), and the write goes on at once.
 */
final class PipeWriter implements EpollIoHandle {
    /** Called on the event loop. */
    interface Listener {
        void drained();
    }

    private static final int MAX_IOV = Math.min(Limits.IOV_MAX, 1024);

    private final FileDescriptor fd;
    private final ByteBufAllocator alloc;
    private final Listener listener;
    private final PipeGrowth.Pipe growth;
    private final ArrayDeque<ByteBuf> queue = new ArrayDeque<>();
    private IoRegistration registration;
    private long queuedBytes;
    private boolean waitingForWritable;
    /** The child has emptied a full pipe all at once: it reads as fast as we write, a stream. */
    private boolean streaming;
    private boolean closeWhenDrained;
    private boolean closed;

    PipeWriter(int fd, ByteBufAllocator alloc, PipeGrowth growth, Listener listener) {
        this.fd = new FileDescriptor(fd);
        this.growth = growth.pipe(this.fd);
        this.alloc = alloc;
        this.listener = listener;
    }

    void register(IoEventLoop loop) throws IOException {
        registration = Registrations.register(loop, this);
        registration.submit(EpollIoOps.EPOLLET);
    }

    @Override
    public FileDescriptor fd() {
        return fd;
    }

    void queue(ByteBuf data) {
        if (closed || closeWhenDrained || !data.isReadable()) {
            data.release();
            return;
        }
        if (!data.isDirect() || data.nioBufferCount() != 1) {
            ByteBuf direct = alloc.directBuffer(data.readableBytes());
            direct.writeBytes(data);
            data.release();
            data = direct;
        }
        queue.add(data);
        queuedBytes += data.readableBytes();
    }

    long queuedBytes() {
        return queuedBytes;
    }

    /** Writes what the pipe takes now; true when nothing is left queued. */
    boolean flush() {
        if (closed) {
            return true;
        }
        if (waitingForWritable) {
            return false;
        }
        try {
            while (!queue.isEmpty()) {
                int count = Math.min(queue.size(), MAX_IOV);
                ByteBuffer[] buffers = new ByteBuffer[count];
                long attempted = 0;
                int i = 0;
                for (ByteBuf b : queue) {
                    if (i == count) {
                        break;
                    }
                    buffers[i++] = b.nioBuffer();
                    attempted += b.readableBytes();
                }
                long written = fd.writev(buffers, 0, count, attempted);
                consume(written);
                // A child that does not read (yet), or reads a little at a time, keeps a small pipe: a client
                // cannot park more than 64 KiB in the kernel ahead of it.
                if (written < attempted && !(streaming && growth.full())) {
                    waitingForWritable = true;
                    registration.submit(EpollIoOps.EPOLLOUT);
                    return false;
                }
            }
        } catch (IOException e) {
            // EPIPE: the child closed its stdin or died; what it did not take is dropped with it.
            close();
            return true;
        }
        if (closeWhenDrained) {
            close();
        }
        return true;
    }

    private void consume(long written) {
        queuedBytes -= written;
        while (written > 0) {
            ByteBuf head = queue.peek();
            int readable = head.readableBytes();
            if (written >= readable) {
                queue.poll().release();
                written -= readable;
            } else {
                head.skipBytes((int) written);
                written = 0;
            }
        }
    }

    @Override
    public void handle(IoRegistration reg, IoEvent event) {
        if (closed || !waitingForWritable) {
            return; // a hang-up edge with nothing queued: the next write reports it
        }
        waitingForWritable = false;
        streaming = streaming || growth.empty();
        registration.submit(EpollIoOps.EPOLLET);
        if (flush()) {
            listener.drained();
        }
    }

    /** Closes once everything queued is written. */
    void closeWhenDrained() {
        closeWhenDrained = true;
        if (queue.isEmpty()) {
            close();
        }
    }

    boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        ByteBuf b;
        while ((b = queue.poll()) != null) {
            b.release();
        }
        queuedBytes = 0;
        growth.released();
        Registrations.cancelAndClose(registration, fd);
    }
}
