package io.wsbridge.testing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/** Collects what the in-process server logs under some categories ("server", "http", ...), while open. */
public final class LogCapture implements AutoCloseable {
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final List<Logger> loggers = new ArrayList<>();

    private LogCapture(String... categories) {
        appender.start();
        for (String c : categories) {
            Logger l = (Logger) LoggerFactory.getLogger(c);
            l.addAppender(appender);
            loggers.add(l);
        }
    }

    public static LogCapture of(String... categories) {
        return new LogCapture(categories);
    }

    /** The messages so far, formatted, with their key/value pairs appended as key='value'. */
    public List<String> lines() {
        List<String> out = new ArrayList<>();
        // AppenderBase.doAppend is synchronized on the appender: so is this, or a line logged on an event loop
        // while a test polls would throw ConcurrentModificationException here (it did, now and then).
        synchronized (appender) {
            for (ILoggingEvent e : appender.list) {
                StringBuilder line = new StringBuilder(e.getFormattedMessage());
                if (e.getKeyValuePairs() != null) {
                    e.getKeyValuePairs().forEach(kv -> line.append(' ').append(kv.key).append("='")
                            .append(kv.value).append('\''));
                }
                out.add(line.toString());
            }
        }
        return out;
    }

    @Override
    public void close() {
        for (Logger l : loggers) {
            l.detachAppender(appender);
        }
        appender.stop();
    }
}
