package io.wsbridge.process.epoll;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.unix.FileDescriptor;
import io.netty.util.concurrent.FastThreadLocal;
import java.io.IOException;

/**
 * Reads the parent's end of a child's stdout or stderr on the event loop (level-triggered epoll). Every
 * read asks for a whole pipe's worth (64 KiB, Linux's default pipe capacity) into one scratch buffer per
 * event-loop thread, and what came is copied out at the size read: so one write of the program, up to the
 * pipe's capacity, arrives as one chunk (one message in --binary, as in websocketd), while an idle
 * connection holds no buffer at all. Pausing takes the descriptor out of the read interest, so an unread
 * pipe fills and the child blocks on write: that is the backpressure.
 */
final class PipeReader implements EpollIoHandle {
    /** Where the bytes go; called on the event loop. */
    interface Sink {
        void data(ByteBuf chunk);

        void readComplete();

        void closed();
    }

    /** Linux's default pipe capacity: a read this large takes everything a pipe can hold at once. */
    static final int READ_SIZE = 64 * 1024;
    /** Bounded work per wake-up so one busy child cannot starve the loop's other connections. */
    private static final int MAX_READS_PER_EVENT = 16;
    /**
     * The scratch buffer of the event-loop thread reading: one per loop, not per connection. Reads happen
     * only in {@link #handle}, on the loop, and the bytes are copied out before the next read.
     */
    private static final FastThreadLocal<ByteBuf> SCRATCH = new FastThreadLocal<>() {
        @Override
        protected ByteBuf initialValue() {
            return UnpooledByteBufAllocator.DEFAULT.directBuffer(READ_SIZE, READ_SIZE);
        }

        @Override
        protected void onRemoval(ByteBuf scratch) {
            scratch.release();
        }
    };

    private final FileDescriptor fd;
    private final ByteBufAllocator alloc;
    private final Sink sink;
    private final PipeGrowth.Pipe growth;
    private IoRegistration registration;
    private boolean paused;
    /** Reading was resumed and has not read since: a full pipe now only says the client was slow. */
    private boolean justResumed;
    private boolean closed;

    PipeReader(int fd, ByteBufAllocator alloc, PipeGrowth growth, Sink sink) {
        this.fd = new FileDescriptor(fd);
        this.growth = growth.pipe(this.fd);
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
            justResumed = true;
            registration.submit(EpollIoOps.EPOLLIN);
        }
    }

    /** Reads what the pipe holds now (one bounded burst), even while paused. */
    void drain() {
        if (!closed) {
            boolean wasPaused = paused;
            paused = false;
            readBurst();
            paused = paused || wasPaused;
        }
    }

    boolean isClosed() {
        return closed;
    }

    private void readBurst() {
        ByteBuf scratch = SCRATCH.get();
        try {
            for (int i = 0; i < MAX_READS_PER_EVENT && !paused && !closed; i++) {
                int n = read(scratch);
                if (n <= 0) {
                    if (n < 0) {
                        closeAndReport();
                    }
                    break;
                }
                ByteBuf chunk = alloc.directBuffer(n, n);
                chunk.writeBytes(scratch, 0, n);
                sink.data(chunk);
                if (n < READ_SIZE) {
                    break; // the pipe is most likely empty; epoll says so when it is not
                }
                if (!justResumed) {
                    growth.full(); // a whole pipe's worth, not left from a pause: the program streams
                }
            }
        } catch (IOException e) {
            closeAndReport();
        }
        justResumed = false;
        sink.readComplete();
    }

    private int read(ByteBuf buf) throws IOException {
        if (buf.hasMemoryAddress()) {
            return fd.readAddress(buf.memoryAddress(), 0, buf.capacity());
        }
        var nio = buf.internalNioBuffer(0, buf.capacity());
        return fd.read(nio, nio.position(), nio.limit());
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
        growth.released();
        Registrations.cancelAndClose(registration, fd);
    }
}
