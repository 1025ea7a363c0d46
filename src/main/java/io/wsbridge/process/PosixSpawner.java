package io.wsbridge.process;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import java.util.List;

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

    static Spawned spawn(LaunchSpec spec) throws LaunchException {
        int[] in = pipe();
        int[] out = null;
        int[] err = null;
        try {
            out = pipe();
            err = pipe();
        } catch (LaunchException e) {
            closeAll(in, out, err);
            throw e;
        }
        int[] pid = new int[1];
        int rc;
        try (Memory actions = new Memory(Posix.FILE_ACTIONS_SIZE);
             Memory attr = new Memory(Posix.SPAWNATTR_SIZE);
             Memory emptyMask = new Memory(Posix.SIGSET_SIZE);
             Memory allSignals = new Memory(Posix.SIGSET_SIZE);
             Memory argv = cStringArray(spec.argv());
             Memory envp = cStringArray(spec.environment())) {
            actions.clear();
            attr.clear();
            Posix.posix_spawn_file_actions_init(actions);
            Posix.posix_spawnattr_init(attr);
            try {
                Posix.posix_spawn_file_actions_adddup2(actions, in[0], 0);
                Posix.posix_spawn_file_actions_adddup2(actions, out[1], 1);
                Posix.posix_spawn_file_actions_adddup2(actions, err[1], 2);
                if (Posix.HAS_CLOSEFROM) {
                    // Descriptors opened without O_CLOEXEC by anything else in the JVM must not leak.
                    Posix.CloseFrom.posix_spawn_file_actions_addclosefrom_np(actions, 3);
                }
                if (spec.workingDirectory() != null && Posix.HAS_CHDIR) {
                    Posix.Chdir.posix_spawn_file_actions_addchdir_np(actions,
                            LaunchSpec.cString(spec.workingDirectory().toString()));
                }
                Posix.sigemptyset(emptyMask);
                Posix.sigfillset(allSignals);
                Posix.posix_spawnattr_setsigmask(attr, emptyMask);
                // A JVM started with SIGINT ignored (nohup, "&" in a script) must not pass that on.
                Posix.posix_spawnattr_setsigdefault(attr, allSignals);
                Posix.posix_spawnattr_setpgroup(attr, 0);
                Posix.posix_spawnattr_setflags(attr, (short) (Posix.POSIX_SPAWN_SETPGROUP
                        | Posix.POSIX_SPAWN_SETSIGMASK | Posix.POSIX_SPAWN_SETSIGDEF));
                rc = Posix.posix_spawn(pid, spec.executableBytes(), actions, attr, argv, envp);
            } finally {
                Posix.posix_spawn_file_actions_destroy(actions);
                Posix.posix_spawnattr_destroy(attr);
            }
        }
        closeQuietly(in[0]);
        closeQuietly(out[1]);
        closeQuietly(err[1]);
        if (rc != 0) {
            closeQuietly(in[1]);
            closeQuietly(out[0]);
            closeQuietly(err[0]);
            throw new LaunchException(Posix.strerror(rc));
        }
        return new Spawned(pid[0], in[1], out[0], err[0]);
    }

    /** A pipe with both ends close-on-exec (dup2 clears that flag on the child's copies). */
    private static int[] pipe() throws LaunchException {
        int[] fds = new int[2];
        try {
            Posix.pipe2(fds, Posix.O_CLOEXEC);
        } catch (LastErrorException e) {
            throw new LaunchException("cannot create pipe: " + Posix.strerror(e.getErrorCode()));
        }
        return fds;
    }

    /** Makes the parent's end non-blocking; the child's end stays blocking, as programs expect. */
    static void setNonBlocking(int fd) {
        int flags = Posix.fcntl(fd, Posix.F_GETFL, 0);
        Posix.fcntl(fd, Posix.F_SETFL, flags | Posix.O_NONBLOCK);
    }

    private static Memory cStringArray(List<String> strings) {
        byte[][] encoded = new byte[strings.size()][];
        long size = (long) (strings.size() + 1) * Native.POINTER_SIZE;
        for (int i = 0; i < encoded.length; i++) {
            encoded[i] = LaunchSpec.cString(strings.get(i));
            size += encoded[i].length;
        }
        Memory block = new Memory(size);
        long offset = (long) (strings.size() + 1) * Native.POINTER_SIZE;
        for (int i = 0; i < encoded.length; i++) {
            block.setPointer((long) i * Native.POINTER_SIZE, block.share(offset));
            block.write(offset, encoded[i], 0, encoded[i].length);
            offset += encoded[i].length;
        }
        block.setPointer((long) encoded.length * Native.POINTER_SIZE, null);
        return block;
    }

    private static void closeAll(int[]... pipes) {
        for (int[] p : pipes) {
            if (p != null) {
                closeQuietly(p[0]);
                closeQuietly(p[1]);
            }
        }
    }

    static void closeQuietly(int fd) {
        try {
            Posix.close(fd);
        } catch (LastErrorException ignored) {
            // already closed: nothing to do
        }
    }
}
