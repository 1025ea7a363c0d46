package io.wsbridge.logging;

import java.util.Locale;

/** websocketd's log levels, from most to least verbose; {@code NONE} switches logging off. */
public enum LogLevel {
    DEBUG, TRACE, ACCESS, INFO, ERROR, FATAL, NONE;

    /** Parses websocketd's spelling (case-insensitive); null when unknown. */
    public static LogLevel parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    public String flagValue() {
        return name().toLowerCase(Locale.ROOT);
    }
}
