package io.wsbridge.process;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * The few libc calls that {@link java.lang.Process} does not expose: posix_spawn into a new process
 * group, pipes whose parent ends are non-blocking, pidfd, waitpid, kill and the open-files limit.
 * Bound with JNA direct mapping (no per-call reflection). Linux with glibc only; {@link #AVAILABLE}
 * says whether the binding loaded.
 */
final class Posix {
    static final int O_NONBLOCK = 0x800;
    static final int O_CLOEXEC = 0x80000;
    static final int O_RDWR = 2;
    static final int F_GETFD = 1;
    static final int F_GETFL = 3;
    static final int F_SETFL = 4;
    static final int WNOHANG = 1;
    static final int EINTR = 4;
    static final int ESRCH = 3;
    static final int EBADF = 9;
    static final int EPERM = 1;
    static final int POSIX_SPAWN_SETPGROUP = 0x02;
    static final int POSIX_SPAWN_SETSIGDEF = 0x04;
    static final int POSIX_SPAWN_SETSIGMASK = 0x08;
    static final int RLIMIT_NOFILE = 7;
    /** Same number on x86_64 and aarch64 (added to the unified syscall table in Linux 5.3). */
    static final int SYS_PIDFD_OPEN = 434;
    /** glibc's posix_spawn_file_actions_t is 80 bytes, posix_spawnattr_t 336, sigset_t 128. */
    static final int FILE_ACTIONS_SIZE = 256;
    static final int SPAWNATTR_SIZE = 1024;
    static final int SIGSET_SIZE = 128;

    static final boolean AVAILABLE;
    static final Throwable UNAVAILABLE_CAUSE;
    /** posix_spawn_file_actions_addclosefrom_np is glibc 2.34+; without it we rely on O_CLOEXEC. */
    static final boolean HAS_CLOSEFROM;
    /** posix_spawn_file_actions_addchdir_np is glibc 2.29+; without it a child starts in our directory. */
    static final boolean HAS_CHDIR;

    static {
        Throwable cause = null;
        boolean closeFrom = false;
        boolean chdir = false;
        if (!Platform.isLinux()) {
            cause = new UnsupportedOperationException("not Linux");
        } else {
            try {
                Native.register(Posix.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
                try {
                    Native.register(CloseFrom.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
                    closeFrom = true;
                } catch (Throwable missing) {
                    closeFrom = false;
                }
                try {
                    Native.register(Chdir.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
                    chdir = true;
                } catch (Throwable missing) {
                    chdir = false;
                }
            } catch (Throwable t) {
                cause = t;
            }
        }
        UNAVAILABLE_CAUSE = cause;
        AVAILABLE = cause == null;
        HAS_CLOSEFROM = closeFrom;
        HAS_CHDIR = chdir;
    }

    private Posix() {
    }

    static native int posix_spawn(int[] pid, byte[] path, Pointer fileActions, Pointer attr, Pointer argv,
                                  Pointer envp);

    static native int posix_spawn_file_actions_init(Pointer fileActions);

    static native int posix_spawn_file_actions_destroy(Pointer fileActions);

    static native int posix_spawn_file_actions_adddup2(Pointer fileActions, int fd, int newFd);

    static native int posix_spawnattr_init(Pointer attr);

    static native int posix_spawnattr_destroy(Pointer attr);

    static native int posix_spawnattr_setflags(Pointer attr, short flags);

    static native int posix_spawnattr_setpgroup(Pointer attr, int pgroup);

    static native int posix_spawnattr_setsigmask(Pointer attr, Pointer sigmask);

    static native int posix_spawnattr_setsigdefault(Pointer attr, Pointer sigdefault);

    static native int sigemptyset(Pointer set);

    static native int sigfillset(Pointer set);

    static native int pipe2(int[] fds, int flags) throws LastErrorException;

    static native int fcntl(int fd, int cmd, int arg) throws LastErrorException;

    static native int open(byte[] path, int flags) throws LastErrorException;

    static native int close(int fd) throws LastErrorException;

    static native int kill(int pid, int sig) throws LastErrorException;

    static native int waitpid(int pid, int[] status, int options) throws LastErrorException;

    static native int getrlimit(int resource, long[] rlim) throws LastErrorException;

    static native int setrlimit(int resource, long[] rlim) throws LastErrorException;

    static native String strerror(int errnum);

    /** glibc's syscall(2) is variadic, so it goes through an interface mapping that handles varargs. */
    interface Syscall extends Library {
        Syscall INSTANCE = Native.load(Platform.C_LIBRARY_NAME, Syscall.class);

        long syscall(long number, Object... args) throws LastErrorException;
    }

    static final class CloseFrom {
        private CloseFrom() {
        }

        static native int posix_spawn_file_actions_addclosefrom_np(Pointer fileActions, int from);
    }

    static final class Chdir {
        private Chdir() {
        }

        static native int posix_spawn_file_actions_addchdir_np(Pointer fileActions, byte[] path);
    }

    /** kill(2) that reports ESRCH as false instead of throwing. */
    static boolean signal(int pid, int sig) {
        try {
            kill(pid, sig);
            return true;
        } catch (LastErrorException e) {
            if (e.getErrorCode() == ESRCH) {
                return false;
            }
            if (e.getErrorCode() == EPERM) {
                // The group exists but holds something we may not signal (a setuid grandchild): it is alive.
                return true;
            }
            throw e;
        }
    }

    /** Makes sure descriptors 0-2 are open, so new pipes never land on them and get dup2'd onto themselves. */
    static void ensureStandardDescriptors() {
        for (int fd = 0; fd <= 2; fd++) {
            try {
                fcntl(fd, F_GETFD, 0);
            } catch (LastErrorException e) {
                if (e.getErrorCode() == EBADF) {
                    open("/dev/null\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII), O_RDWR);
                }
            }
        }
    }
}
