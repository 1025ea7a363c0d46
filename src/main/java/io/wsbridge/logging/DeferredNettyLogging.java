package io.wsbridge.logging;

import io.netty.util.internal.logging.AbstractInternalLogger;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.netty.util.internal.logging.Slf4JLoggerFactory;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Netty's classes create their loggers, and ask whether debug is on, while they initialise; with SLF4J that
 * first waits for logback to be set up. Start-up sets logging up on one thread while Netty loads its native
 * transport on another, so until logging is ready Netty's loggers answer "off" for its debug and trace
 * chatter (only shown at --loglevel=debug anyway) instead of waiting; anything at info or above waits for
 * logging to be ready, then goes through. (Not touching SLF4J before then also keeps it from handing out
 * stand-in loggers, which it does to callers that arrive while it initialises.)
 */
public final class DeferredNettyLogging {
    private static final CountDownLatch READY = new CountDownLatch(1);

    private DeferredNettyLogging() {
    }

    /** Routes Netty's logging through here; call before any Netty class is used. */
    public static void install() {
        InternalLoggerFactory.setDefaultFactory(new InternalLoggerFactory() {
            @Override
            protected InternalLogger newInstance(String name) {
                return new Deferred(name);
            }
        });
    }

    /** Logging is configured: from now on everything goes to SLF4J. */
    public static void ready() {
        READY.countDown();
    }

    private static boolean isReady() {
        return READY.getCount() == 0;
    }

    private static final class Deferred extends AbstractInternalLogger {
        private transient volatile InternalLogger target;

        Deferred(String name) {
            super(name);
        }

        private InternalLogger target() {
            InternalLogger t = target;
            if (t == null) {
                try {
                    READY.await(10, TimeUnit.SECONDS); // bounded: a warning is never lost for good
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                t = ((Slf4JLoggerFactory) Slf4JLoggerFactory.INSTANCE).newInstance(name());
                target = t;
            }
            return t;
        }

        /** Whether a debug or trace question may be answered: only once logging is ready. */
        private boolean verboseReady() {
            return isReady();
        }

        @Override
        public boolean isTraceEnabled() {
            return verboseReady() && target().isTraceEnabled();
        }

        @Override
        public void trace(String msg) {
            if (isTraceEnabled()) {
                target().trace(msg);
            }
        }

        @Override
        public void trace(String format, Object arg) {
            if (isTraceEnabled()) {
                target().trace(format, arg);
            }
        }

        @Override
        public void trace(String format, Object argA, Object argB) {
            if (isTraceEnabled()) {
                target().trace(format, argA, argB);
            }
        }

        @Override
        public void trace(String format, Object... arguments) {
            if (isTraceEnabled()) {
                target().trace(format, arguments);
            }
        }

        @Override
        public void trace(String msg, Throwable t) {
            if (isTraceEnabled()) {
                target().trace(msg, t);
            }
        }

        @Override
        public boolean isDebugEnabled() {
            return verboseReady() && target().isDebugEnabled();
        }

        @Override
        public void debug(String msg) {
            if (isDebugEnabled()) {
                target().debug(msg);
            }
        }

        @Override
        public void debug(String format, Object arg) {
            if (isDebugEnabled()) {
                target().debug(format, arg);
            }
        }

        @Override
        public void debug(String format, Object argA, Object argB) {
            if (isDebugEnabled()) {
                target().debug(format, argA, argB);
            }
        }

        @Override
        public void debug(String format, Object... arguments) {
            if (isDebugEnabled()) {
                target().debug(format, arguments);
            }
        }

        @Override
        public void debug(String msg, Throwable t) {
            if (isDebugEnabled()) {
                target().debug(msg, t);
            }
        }

        @Override
        public boolean isInfoEnabled() {
            return target().isInfoEnabled();
        }

        @Override
        public void info(String msg) {
            target().info(msg);
        }

        @Override
        public void info(String format, Object arg) {
            target().info(format, arg);
        }

        @Override
        public void info(String format, Object argA, Object argB) {
            target().info(format, argA, argB);
        }

        @Override
        public void info(String format, Object... arguments) {
            target().info(format, arguments);
        }

        @Override
        public void info(String msg, Throwable t) {
            target().info(msg, t);
        }

        @Override
        public boolean isWarnEnabled() {
            return target().isWarnEnabled();
        }

        @Override
        public void warn(String msg) {
            target().warn(msg);
        }

        @Override
        public void warn(String format, Object arg) {
            target().warn(format, arg);
        }

        @Override
        public void warn(String format, Object... arguments) {
            target().warn(format, arguments);
        }

        @Override
        public void warn(String format, Object argA, Object argB) {
            target().warn(format, argA, argB);
        }

        @Override
        public void warn(String msg, Throwable t) {
            target().warn(msg, t);
        }

        @Override
        public boolean isErrorEnabled() {
            return target().isErrorEnabled();
        }

        @Override
        public void error(String msg) {
            target().error(msg);
        }

        @Override
        public void error(String format, Object arg) {
            target().error(format, arg);
        }

        @Override
        public void error(String format, Object argA, Object argB) {
            target().error(format, argA, argB);
        }

        @Override
        public void error(String format, Object... arguments) {
            target().error(format, arguments);
        }

        @Override
        public void error(String msg, Throwable t) {
            target().error(msg, t);
        }
    }
}
