package io.wsbridge.process.epoll;

import com.sun.jna.LastErrorException;
import io.netty.channel.unix.FileDescriptor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Grows a child's stdin or stdout pipe from Linux's default 64 KiB to 1 MiB when it carries a stream (stdin: found
 * full again after the child had emptied it all at once; stdout: a read takes a whole pipe while the client keeps
 * up), so a program that streams at full speed moves sixteen times more per wake-up of each side (binary echo of 64 KiB
 * messages: 0.58-0.62 to 0.76-0.78 of the no-process floor, measured with ../shared/bench). Only pipes found full
 * grow, and only {@link #DEFAULT_MAX_GROWN} of a server's at a time: a grown pipe may hold 1 MiB of kernel
 * memory, and it counts against the user's pipe allowance (fs.pipe-user-pages-soft, 64 MiB by default;
 * past it an unprivileged user's new pipes get 8 KiB), of which this keeps to a quarter. A refusal
 * (EPERM past the user's limits or fs.pipe-max-size) leaves the pipe as it was. Shared by every event loop.
 */
final class PipeGrowth {
    /** fs.pipe-max-size's default: the largest pipe an unprivileged process may ask for. */
    static final int GROWN_SIZE = 1 << 20;
    static final int DEFAULT_MAX_GROWN = 16;
    /** For pipes that stay as they are (stderr goes to the log line by line: no stream to speed up). */
    static final PipeGrowth NONE = new PipeGrowth(0, 0);
    private static final int F_SETPIPE_SZ = 1031;
    private static final int F_GETPIPE_SZ = 1032;

    /** One pipe's state; owned by the reader or writer of that pipe, used on its event loop only. */
    final class Pipe {
        private final FileDescriptor fd;
        private boolean grown;
        private boolean refused;

        private Pipe(FileDescriptor fd) {
            this.fd = fd;
        }

        /** The pipe was found full: grows it if it may; true when it has more room now. */
        boolean full() {
            if (grown || refused || !reserve()) {
                return false;
            }
            try {
                Posix.fcntl(fd.intValue(), F_SETPIPE_SZ, size);
                grown = true;
                return true;
            } catch (LastErrorException e) {
                refused = true;
                grownNow.decrementAndGet();
                return false;
            }
        }

        /**
         * Whether the pipe holds nothing now: asked when a full pipe has room again, to tell a child that
         * takes everything at once (a stream) from one that reads a little at a time (kept small, so a client
         * cannot queue more than 64 KiB ahead of it).
         */
        boolean empty() {
            int[] queued = new int[1];
            try {
                Posix.ioctl(fd.intValue(), Posix.FIONREAD, queued);
                return queued[0] == 0;
            } catch (LastErrorException e) {
                return false;
            }
        }

        /** The pipe's end is being closed: its share goes back. */
        void released() {
            if (grown) {
                grown = false;
                grownNow.decrementAndGet();
            }
        }
    }

    private final int size;
    private final int maxGrown;
    private final AtomicInteger grownNow = new AtomicInteger();

    PipeGrowth(int size, int maxGrown) {
        this.size = size;
        this.maxGrown = maxGrown;
    }

    static PipeGrowth standard() {
        return new PipeGrowth(GROWN_SIZE, DEFAULT_MAX_GROWN);
    }

    Pipe pipe(FileDescriptor fd) {
        return new Pipe(fd);
    }

    /** How many pipes are grown now. */
    int grown() {
        return grownNow.get();
    }

    /** The capacity of the pipe {@code fd} is an end of, in bytes. */
    static int capacity(int fd) {
        return Posix.fcntl(fd, F_GETPIPE_SZ, 0);
    }

    private boolean reserve() {
        int now;
        do {
            now = grownNow.get();
            if (now >= maxGrown) {
                return false;
            }
        } while (!grownNow.compareAndSet(now, now + 1));
        return true;
    }
}
