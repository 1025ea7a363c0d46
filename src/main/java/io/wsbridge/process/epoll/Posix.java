package io.wsbridge.process.epoll;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * The few libc calls that {@link java.lang.Process} does not expose: posix_spawn into a new process
 * group, pipes whose parent ends are non-blocking, waitpid, kill and the open-files limit.
 * Bound with JNA direct mapping (no per-call reflection). Linux with glibc only; {@link #AVAILABLE}
 * says whether the binding loaded.
 */
final class Posix {
    static final int O_NONBLOCK = 0x800;
    static final int O_CLOEXEC = 0x80000;
    static final int O_RDWR = 2;
    static final int F_GETFD = 1;
    static final int F_SETFD = 2;
    static final int FD_CLOEXEC = 1;
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
    /** glibc's posix_spawn_file_actions_t is 80 bytes, posix_spawnattr_t 336, sigset_t 128. */
    static final int FILE_ACTIONS_SIZE = 256;
    static final int SPAWNATTR_SIZE = 1024;
    static final int SIGSET_SIZE = 128;

    static final boolean AVAILABLE;
    static final Throwable UNAVAILABLE_CAUSE;
    /**
     * posix_spawn_file_actions_addclosefrom_np is glibc 2.34+: the child closes every descriptor from 3 up
     * itself, between fork and exec. Without it, descriptors are marked close-on-exec in the whole process
     * instead (see {@link #markDescriptorsCloseOnExec}).
     */
    static final boolean HAS_CLOSEFROM;
    /** posix_spawn_file_actions_addchdir_np is glibc 2.29+; without it a child starts in our directory. */
    static final boolean HAS_CHDIR;

    static {
        Throwable cause = null;
        boolean closefrom = false;
        boolean chdir = false;
        if (!Platform.isLinux() || !Platform.is64Bit()
                || !(Platform.ARCH.equals("x86-64") || Platform.ARCH.equals("aarch64"))) {
            cause = new UnsupportedOperationException("needs 64-bit Linux on x86-64 or aarch64, not "
                    + System.getProperty("os.name") + " " + Platform.ARCH);
        } else {
            try {
                Native.register(Posix.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
                closefrom = registered(Closefrom.class);
                chdir = registered(Chdir.class);
            } catch (Throwable t) {
                cause = t;
            }
        }
        UNAVAILABLE_CAUSE = cause;
        AVAILABLE = cause == null;
        HAS_CLOSEFROM = closefrom;
        HAS_CHDIR = chdir;
    }

    /** Binds an optional libc function; false when this glibc lacks it. */
    private static boolean registered(Class<?> holder) {
        try {
            Native.register(holder, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
            return true;
        } catch (Throwable missing) {
            return false;
        }
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

    static final long FIONREAD = 0x541B;

    /** ioctl with an int out-argument (FIONREAD). */
    static native int ioctl(int fd, long request, int[] arg) throws LastErrorException;

    static native int open(byte[] path, int flags) throws LastErrorException;

    static final int AF_UNIX = 1;
    static final int SOCK_STREAM = 1;

    static native int socketpair(int domain, int type, int protocol, int[] sv) throws LastErrorException;

    static native int close(int fd) throws LastErrorException;

    /** Declared without LastErrorException: ESRCH is an expected answer here, read with getLastError. */
    static native int kill(int pid, int sig);

    static native int waitpid(int pid, int[] status, int options) throws LastErrorException;

    static native int getrlimit(int resource, long[] rlim) throws LastErrorException;

    static native int setrlimit(int resource, long[] rlim) throws LastErrorException;

    static native String strerror(int errnum);


    static final class Closefrom {
        private Closefrom() {
        }

        static native int posix_spawn_file_actions_addclosefrom_np(Pointer fileActions, int from);
    }

    static final class Chdir {
        private Chdir() {
        }

        static native int posix_spawn_file_actions_addchdir_np(Pointer fileActions, byte[] path);
    }

    /**
     * Only where the child cannot close them itself (glibc before 2.34): marks every descriptor from 3 up
     * close-on-exec, so no child inherits one (the JVM opens some files without O_CLOEXEC, its own jar for
     * one, and wsbridge may have inherited others from whoever started it). This changes descriptors the
     * whole process shares: a java.lang.ProcessBuilder starting at the same moment in another thread loses
     * the pipes it means its helper to inherit ("error=9, Bad file descriptor"). So it is done once, when the
     * server starts, never per spawn, and never where closefrom is available.
     */
    static void markDescriptorsCloseOnExec() {
        String[] fds = new java.io.File("/proc/self/fd").list();
        if (fds == null) {
            return;
        }
        for (String name : fds) {
            int fd = Integer.parseInt(name);
            if (fd > 2) {
                try {
                    fcntl(fd, F_SETFD, fcntl(fd, F_GETFD, 0) | FD_CLOEXEC);
                } catch (LastErrorException ignored) {
                    // closed meanwhile (the directory listing's own descriptor, for one)
                }
            }
        }
    }

    /**
     * kill(2): true when the target exists (a setuid member we may not signal, EPERM, counts as existing),
     * false when nothing matches (ESRCH). No exception on the common "already gone" answer.
     */
    static boolean signal(int pid, int sig) {
        if (pid == 0 || pid == -1) {
            // kill(0) is the server's own process group, kill(-1) every process it may signal: never a child's.
            throw new IllegalArgumentException("refusing to signal pid " + pid);
        }
        if (kill(pid, sig) == 0) {
            return true;
        }
        int errno = Native.getLastError();
        if (errno == ESRCH) {
            return false;
        }
        if (errno == EPERM) {
            return true;
        }
        throw new LastErrorException(errno);
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
