package io.wsbridge.process.epoll;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.List;
import io.wsbridge.process.LaunchException;
import io.wsbridge.process.LaunchSpec;

/**
 * posix_spawn (glibc: clone with CLONE_VFORK, so no copy of the JVM's address space) of a child that starts
 * in a process group of its own, with default signal dispositions and an empty signal mask, and with
 * exactly three descriptors: pipes for stdin, stdout and stderr. The parent's ends are non-blocking and
 * close-on-exec, so no other child inherits them.
 */
final class PosixSpawner {
    /** The child's pid and the parent's ends of its pipes. */
    record Spawned(int pid, int stdin, int stdout, int stderr) {
    }

    private PosixSpawner() {
    }

    /**
     * Each of the six pipe ends is closed exactly once, whatever fails: the child's three here (it has its
     * copies, or never ran), the parent's three here too unless they are handed out.
     */
    static Spawned spawn(LaunchSpec spec) throws LaunchException {
        int[] in = null;
        int[] out = null;
        int[] err = null;
        Spawned spawned = null;
        try {
            in = pipe();
            out = pipe();
            err = pipe();
            spawned = new Spawned(spawnWith(spec, in[0], out[1], err[1]), in[1], out[0], err[0]);
            return spawned;
        } finally {
            boolean failed = spawned == null;
            closeEnds(in, 0, failed);
            closeEnds(out, 1, failed);
            closeEnds(err, 1, failed);
        }
    }

    /** Closes the child's end of a pipe made (null: not made), and the parent's end too when not handed out. */
    private static void closeEnds(int[] pipe, int childEnd, boolean parentEndToo) {
        if (pipe != null) {
            closeQuietly(pipe[childEnd]);
            if (parentEndToo) {
                closeQuietly(pipe[1 - childEnd]);
            }
        }
    }

    /** posix_spawn with {@code stdin}, {@code stdout} and {@code stderr} as the child's 0, 1 and 2; its pid. */
    private static int spawnWith(LaunchSpec spec, int stdin, int stdout, int stderr) throws LaunchException {
        int[] pid = new int[1];
        int rc;
        SpawnBuffers b = BUFFERS.get();
        try (Memory strings = argvAndEnvp(spec.argv(), spec.environment())) {
            Pointer argv = strings;
            Pointer envp = strings.share((long) (spec.argv().size() + 1) * Native.POINTER_SIZE);
            Posix.posix_spawn_file_actions_init(b.actions);
            Posix.posix_spawnattr_init(b.attr);
            try {
                Posix.posix_spawn_file_actions_adddup2(b.actions, stdin, 0);
                Posix.posix_spawn_file_actions_adddup2(b.actions, stdout, 1);
                Posix.posix_spawn_file_actions_adddup2(b.actions, stderr, 2);
                // Every other descriptor is closed in the child (one close_range there). Not by marking
                // ours close-on-exec: that flag lives in the table the whole JVM shares, and a
                // ProcessBuilder in another thread needs its pipes inheritable until its helper runs.
                if (Posix.HAS_CLOSEFROM) {
                    Posix.Closefrom.posix_spawn_file_actions_addclosefrom_np(b.actions, 3);
                }
                if (spec.workingDirectory() != null && Posix.HAS_CHDIR) {
                    Posix.Chdir.posix_spawn_file_actions_addchdir_np(b.actions,
                            LaunchSpec.cString(spec.workingDirectory().toString()));
                }
                Posix.posix_spawnattr_setsigmask(b.attr, b.emptyMask);
                // A JVM started with SIGINT ignored (nohup, "&" in a script) must not pass that on.
                Posix.posix_spawnattr_setsigdefault(b.attr, b.allSignals);
                Posix.posix_spawnattr_setpgroup(b.attr, 0);
                Posix.posix_spawnattr_setflags(b.attr, (short) (Posix.POSIX_SPAWN_SETPGROUP
                        | Posix.POSIX_SPAWN_SETSIGMASK | Posix.POSIX_SPAWN_SETSIGDEF));
                rc = Posix.posix_spawn(pid, spec.executableBytes(), b.actions, b.attr, argv, envp);
            } finally {
                Posix.posix_spawn_file_actions_destroy(b.actions);
                Posix.posix_spawnattr_destroy(b.attr);
            }
        }
        if (rc != 0) {
            throw new LaunchException(Posix.strerror(rc));
        }
        return pid[0];
    }

    /** A pipe with both ends close-on-exec (dup2 clears that flag on the child's copies). */
    static int[] pipe() throws LaunchException {
        int[] fds = new int[2];
        try {
            Posix.pipe2(fds, Posix.O_CLOEXEC);
        } catch (LastErrorException e) {
            throw new LaunchException("cannot create pipe: " + Posix.strerror(e.getErrorCode()));
        }
        return fds;
    }

    /**
     * Makes the parent's end non-blocking; the child's end stays blocking, as programs expect. One fcntl, without
     * reading the flags first: a pipe2 end has no status flag set (O_CLOEXEC is the descriptor's, and F_SETFL
     * leaves the access mode alone).
     */
    static void setNonBlocking(int fd) {
        Posix.fcntl(fd, Posix.F_SETFL, Posix.O_NONBLOCK);
    }

    /**
     * argv and envp in one native block: both NULL-terminated pointer arrays first, then the strings they
     * point to.
     */
    private static Memory argvAndEnvp(List<String> argv, List<String> envp) {
        int count = argv.size() + envp.size();
        byte[][] encoded = new byte[count][];
        long pointers = (long) (count + 2) * Native.POINTER_SIZE;
        long size = pointers;
        for (int i = 0; i < count; i++) {
            encoded[i] = LaunchSpec.cString(i < argv.size() ? argv.get(i) : envp.get(i - argv.size()));
            size += encoded[i].length;
        }
        Memory block = new Memory(size);
        long offset = pointers;
        long slot = 0;
        for (int i = 0; i < count; i++) {
            if (i == argv.size()) {
                block.setPointer(slot, null); // end of argv
                slot += Native.POINTER_SIZE;
            }
            block.setPointer(slot, block.share(offset));
            slot += Native.POINTER_SIZE;
            block.write(offset, encoded[i], 0, encoded[i].length);
            offset += encoded[i].length;
        }
        if (argv.size() == count) {
            block.setPointer(slot, null);
            slot += Native.POINTER_SIZE;
        }
        block.setPointer(slot, null); // end of envp
        return block;
    }

    /**
     * Native scratch space for posix_spawn's attribute objects, one set per event loop thread, allocated
     * once: they are re-initialised for every spawn, and the signal sets never change.
     */
    private static final class SpawnBuffers {
        final Memory actions = new Memory(Posix.FILE_ACTIONS_SIZE);
        final Memory attr = new Memory(Posix.SPAWNATTR_SIZE);
        final Memory emptyMask = new Memory(Posix.SIGSET_SIZE);
        final Memory allSignals = new Memory(Posix.SIGSET_SIZE);

        SpawnBuffers() {
            actions.clear();
            attr.clear();
            Posix.sigemptyset(emptyMask);
            Posix.sigfillset(allSignals);
        }
    }

    private static final FastThreadLocal<SpawnBuffers> BUFFERS = new FastThreadLocal<>() {
        @Override
        protected SpawnBuffers initialValue() {
            return new SpawnBuffers();
        }
    };

    static void closeQuietly(int fd) {
        try {
            Posix.close(fd);
        } catch (LastErrorException ignored) {
            // EBADF would be a bug (every end is closed once); EINTR and EIO still close on Linux
        }
    }
}
