package io.wsbridge.logging;

import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.helpers.NOPLogger;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * A category plus the key/value pairs that every line about one thing carries (like websocketd's
 * LogScope): a session logs {@code url:'…' id:'…' remote:'…' command:'…'} on each of its lines.
 * Methods are named after websocketd's levels.
 */
public final class LogScope {
    private final Logger logger;
    private final String[] keys;
    private final Object[] values;

    private LogScope(Logger logger, String[] keys, Object[] values) {
        this.logger = logger;
        this.keys = keys;
        this.values = values;
    }

    public static LogScope of(String category) {
        return new LogScope(LoggerFactory.getLogger(category), new String[0], new Object[0]);
    }

    /**
     * A scope that logs nothing, in any category it is moved to: for the server's start-up rehearsal, whose
     * synthetic sessions must leave no line in the log.
     */
    public static LogScope silent() {
        return new LogScope(NOPLogger.NOP_LOGGER, new String[0], new Object[0]);
    }

    /** A scope with one more association; this one is unchanged. */
    public LogScope with(String key, Object value) {
        String[] k = Arrays.copyOf(keys, keys.length + 1);
        Object[] v = Arrays.copyOf(values, values.length + 1);
        k[keys.length] = key;
        v[values.length] = value;
        return new LogScope(logger, k, v);
    }

    /** The same associations under another category. */
    public LogScope category(String category) {
        if (logger == NOPLogger.NOP_LOGGER) {
            return this;
        }
        return new LogScope(LoggerFactory.getLogger(category), keys, values);
    }

    public boolean accessEnabled() {
        return logger.isInfoEnabled(LogMarkers.ACCESS);
    }

    public boolean debugEnabled() {
        return logger.isTraceEnabled();
    }

    public void debug(String format, Object... args) {
        if (logger.isTraceEnabled()) {
            emit(logger.atTrace(), format, args);
        }
    }

    public void trace(String format, Object... args) {
        if (logger.isDebugEnabled()) {
            emit(logger.atDebug(), format, args);
        }
    }

    public void access(String format, Object... args) {
        if (logger.isInfoEnabled(LogMarkers.ACCESS)) {
            emit(logger.atInfo().addMarker(LogMarkers.ACCESS), format, args);
        }
    }

    public void info(String format, Object... args) {
        if (logger.isInfoEnabled()) {
            emit(logger.atInfo(), format, args);
        }
    }

    public void error(String format, Object... args) {
        if (logger.isErrorEnabled()) {
            emit(logger.atError(), format, args);
        }
    }

    public void fatal(String format, Object... args) {
        if (logger.isErrorEnabled(LogMarkers.FATAL)) {
            emit(logger.atError().addMarker(LogMarkers.FATAL), format, args);
        }
    }

    private void emit(LoggingEventBuilder builder, String format, Object[] args) {
        for (int i = 0; i < keys.length; i++) {
            builder = builder.addKeyValue(keys[i], values[i]);
        }
        builder.log(format, args);
    }
}
