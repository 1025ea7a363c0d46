package io.wsbridge.process.epoll;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.FileDescriptor;
import io.wsbridge.testing.Waits;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Pipes grow to 1 MiB only when they carry a stream (found full while the other side keeps emptying them),
 * never for a child that does not read or a client that was slow, and never beyond the server's budget.
 * Real pipes on a real epoll loop; the test plays the child's side.
 */
@Timeout(30)
class PipeGrowthTest {
    private static final int DEFAULT_PIPE = 64 * 1024;
    private static final int MIB = 1 << 20;

    private MultiThreadIoEventLoopGroup group;
    private IoEventLoop loop;
    /** The test's (the child's) ends; the server's ends are closed by their reader or writer. */
    private final List<Integer> childEnds = new ArrayList<>();
    private final List<AutoCloseable> serverEnds = new ArrayList<>();

    @BeforeEach
    void startLoop() {
        group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        loop = (IoEventLoop) group.next();
    }

    @AfterEach
    void stopLoop() throws Exception {
        onLoop(() -> {
            for (AutoCloseable end : serverEnds) {
                end.close(); // closing twice is a no-op
            }
            return null;
        });
        for (int fd : childEnds) {
            PosixSpawner.closeQuietly(fd);
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    /** A pipe: [0] the read end, [1] the write end; the end given to a reader or writer is the server's. */
    private int[] pipe(int childEnd) {
        int[] fds = new int[2];
        Posix.pipe2(fds, Posix.O_CLOEXEC);
        childEnds.add(fds[childEnd]);
        return fds;
    }

    private int[] stdinPipe() {
        return pipe(0);
    }

    private int[] stdoutPipe() {
        return pipe(1);
    }

    private <T> T onLoop(Callable<T> task) throws Exception {
        return loop.submit(task).get(10, TimeUnit.SECONDS);
    }

    private PipeWriter stdinWriter(int fd, PipeGrowth growth) throws Exception {
        PosixSpawner.setNonBlocking(fd);
        PipeWriter writer = new PipeWriter(fd, PooledByteBufAllocator.DEFAULT, growth, () -> { });
        serverEnds.add(writer::close);
        onLoop(() -> {
            writer.register(loop);
            return null;
        });
        return writer;
    }

    private void write(PipeWriter writer, int bytes) throws Exception {
        onLoop(() -> {
            writer.queue(Unpooled.directBuffer(bytes).writeZero(bytes));
            return writer.flush();
        });
    }

    /** The child reads what the pipe holds (its end is blocking: at least one byte is there). */
    private static long childReads(int fd, int bytes) throws Exception {
        FileDescriptor child = new FileDescriptor(fd);
        ByteBuffer buf = ByteBuffer.allocateDirect(bytes);
        long total = 0;
        while (total < bytes) {
            int n = child.read(buf, 0, bytes - (int) total);
            total += n;
        }
        return total;
    }

    @Test
    void aStdinPipeGrowsWhenFoundFullAgainAfterTheChildEmptiedItAndTheRestIsWrittenAtOnce() throws Exception {
        PipeGrowth growth = new PipeGrowth(MIB, 16);
        int[] stdin = stdinPipe();
        PipeWriter writer = stdinWriter(stdin[1], growth);

        write(writer, 3 * DEFAULT_PIPE);
        assertThat(PipeGrowth.capacity(stdin[1])).as("full, but the child never read: stays small")
                .isEqualTo(DEFAULT_PIPE);
        assertThat(onLoop(writer::queuedBytes)).isEqualTo(2L * DEFAULT_PIPE);

        childReads(stdin[0], DEFAULT_PIPE); // the child empties it at once: the writer goes on, full again
        Waits.until(Duration.ofSeconds(10), () -> growth.grown() == 1, "the pipe to grow");
        Waits.until(Duration.ofSeconds(10), () -> call(writer::queuedBytes) == 0L, "the rest to be written");
        assertThat(PipeGrowth.capacity(stdin[1])).isEqualTo(MIB);

        onLoop(() -> {
            writer.close();
            return null;
        });
        assertThat(growth.grown()).as("its share back when closed").isZero();
    }

    @Test
    void aChildThatReadsALittleAtATimeKeepsASmallPipe() throws Exception {
        // A slow consumer: a client streaming to it must not queue a megabyte ahead of it in the kernel.
        PipeGrowth growth = new PipeGrowth(MIB, 16);
        int[] stdin = stdinPipe();
        PipeWriter writer = stdinWriter(stdin[1], growth);
        write(writer, 3 * DEFAULT_PIPE);
        for (int i = 1; i <= 4; i++) {
            childReads(stdin[0], 8192); // the rest stays in the pipe; the writer refills it
            long left = 2L * DEFAULT_PIPE - i * 8192L;
            Waits.until(Duration.ofSeconds(10), () -> call(writer::queuedBytes) == left,
                    () -> "the writer to refill the pipe, " + call(writer::queuedBytes) + " bytes queued");
        }
        assertThat(growth.grown()).isZero();
        assertThat(PipeGrowth.capacity(stdin[1])).isEqualTo(DEFAULT_PIPE);
    }

    @Test
    void noMorePipesGrowThanTheBudgetAndAClosedOneMakesRoom() throws Exception {
        PipeGrowth growth = new PipeGrowth(MIB, 1);
        int[] first = stdinPipe();
        int[] second = stdinPipe();
        PipeWriter a = stdinWriter(first[1], growth);
        PipeWriter b = stdinWriter(second[1], growth);
        streamUntilFullAgain(a, first);
        Waits.until(Duration.ofSeconds(10), () -> growth.grown() == 1, "the first pipe to grow");
        streamUntilFullAgain(b, second);
        Waits.until(Duration.ofSeconds(10), () -> call(b::queuedBytes) == 2L * DEFAULT_PIPE,
                () -> "the second writer to wait for its full pipe, " + call(b::queuedBytes) + " bytes queued");
        assertThat(PipeGrowth.capacity(first[1])).isEqualTo(MIB);
        assertThat(PipeGrowth.capacity(second[1])).as("over budget").isEqualTo(DEFAULT_PIPE);
        assertThat(growth.grown()).isEqualTo(1);

        onLoop(() -> {
            a.close();
            return null;
        });
        assertThat(growth.grown()).isZero();
        childReads(second[0], DEFAULT_PIPE); // found full again, now with room in the budget
        Waits.until(Duration.ofSeconds(10), () -> growth.grown() == 1, "the second pipe to grow");
        assertThat(PipeGrowth.capacity(second[1])).isEqualTo(MIB);
    }

    /**
     * Fills the pipe, lets the child empty it once, fills it again (exactly: 64 KiB), then queues two pipes'
     * worth more, which find it full after the child has read.
     */
    private void streamUntilFullAgain(PipeWriter writer, int[] pipe) throws Exception {
        write(writer, 2 * DEFAULT_PIPE);
        childReads(pipe[0], DEFAULT_PIPE);
        Waits.until(Duration.ofSeconds(10), () -> call(writer::queuedBytes) == 0L, "the pipe to be refilled");
        write(writer, 2 * DEFAULT_PIPE);
    }

    @Test
    void aRefusedResizeLeavesThePipeAsItWasAndGivesItsShareBack() throws Exception {
        // Shrinking a full pipe below what it holds is refused (EBUSY), as growing past the user's limits is
        // (EPERM): the writer then waits for the child as before.
        PipeGrowth growth = new PipeGrowth(4096, 16);
        int[] stdin = stdinPipe();
        PipeWriter writer = stdinWriter(stdin[1], growth);
        write(writer, 2 * DEFAULT_PIPE);
        AtomicLong read = new AtomicLong(childReads(stdin[0], DEFAULT_PIPE));
        Waits.until(Duration.ofSeconds(10), () -> call(writer::queuedBytes) < DEFAULT_PIPE, "the writer to go on");
        write(writer, DEFAULT_PIPE); // full again: the resize is tried and refused
        assertThat(growth.grown()).isZero();
        assertThat(PipeGrowth.capacity(stdin[1])).isEqualTo(DEFAULT_PIPE);
        read.addAndGet(childReads(stdin[0], 2 * DEFAULT_PIPE));
        Waits.until(Duration.ofSeconds(10), () -> call(writer::queuedBytes) == 0L, "everything to be written");
        assertThat(read.get()).isEqualTo(3L * DEFAULT_PIPE);
    }

    @Test
    void aStdoutPipeGrowsWhenAReadTakesAWholePipeUnlessItFilledWhileReadingWasPaused() throws Exception {
        PipeGrowth growth = new PipeGrowth(MIB, 16);
        int[] streaming = stdoutPipe();
        fill(streaming[1]); // the child wrote a whole pipe's worth before the first read
        AtomicLong fastRead = new AtomicLong();
        PipeReader fast = stdoutReader(streaming[0], growth, fastRead);
        Waits.until(Duration.ofSeconds(10), () -> fastRead.get() == DEFAULT_PIPE, "the first read");
        assertThat(growth.grown()).isEqualTo(1);
        assertThat(PipeGrowth.capacity(streaming[0])).isEqualTo(MIB);

        int[] slow = stdoutPipe();
        AtomicLong slowRead = new AtomicLong();
        PipeReader slowClient = stdoutReader(slow[0], growth, slowRead);
        onLoop(() -> {
            slowClient.pause(); // the client is slow: its program's output waits in the pipe
            return null;
        });
        fill(slow[1]);
        onLoop(() -> {
            slowClient.resume();
            return null;
        });
        Waits.until(Duration.ofSeconds(10), () -> slowRead.get() == DEFAULT_PIPE, "the read after resuming");
        assertThat(PipeGrowth.capacity(slow[0])).as("full only because reading was paused")
                .isEqualTo(DEFAULT_PIPE);
        assertThat(growth.grown()).isEqualTo(1);
        onLoop(() -> {
            fast.close();
            slowClient.close();
            return null;
        });
        assertThat(growth.grown()).isZero();
    }

    /** A reader for a child's stdout; {@code read} says how much it has read, once each burst is over. */
    private PipeReader stdoutReader(int fd, PipeGrowth growth, AtomicLong read) throws Exception {
        PosixSpawner.setNonBlocking(fd);
        PipeReader reader = new PipeReader(fd, PooledByteBufAllocator.DEFAULT, growth, new PipeReader.Sink() {
            private long bytes;

            @Override
            public void data(ByteBuf chunk) {
                bytes += chunk.readableBytes();
                chunk.release();
            }

            @Override
            public void readComplete() {
                read.set(bytes); // after the burst, and so after any growth it brought
            }

            @Override
            public void closed() {
            }
        });
        serverEnds.add(reader::close);
        onLoop(() -> {
            reader.register(loop);
            return null;
        });
        return reader;
    }

    /** The child writes a whole pipe's worth at once (its end is blocking: this returns once it is all in). */
    private static void fill(int fd) throws Exception {
        ByteBuffer buf = ByteBuffer.allocateDirect(DEFAULT_PIPE);
        FileDescriptor child = new FileDescriptor(fd);
        int total = 0;
        while (total < DEFAULT_PIPE) {
            total += child.write(buf, total, DEFAULT_PIPE);
        }
    }

    private <T> T call(Callable<T> task) {
        try {
            return onLoop(task);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
