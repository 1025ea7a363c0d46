package io.wsbridge.logging;

import ch.qos.logback.classic.Level;
import java.util.List;
import org.slf4j.Marker;

/**
 * Maps SLF4J levels (plus our markers) to websocketd's levels, whose order differs: websocketd's DEBUG is
 * the most verbose, so it is SLF4J's TRACE, and websocketd's TRACE is SLF4J's DEBUG.
 */
final class WebsocketdLevels {
    private WebsocketdLevels() {
    }

    /** The websocketd level of an event; WARN (only from libraries) ranks with INFO. */
    static LogLevel of(Level level, Marker marker) {
        return switch (level.toInt()) {
            case Level.TRACE_INT -> LogLevel.DEBUG;
            case Level.DEBUG_INT -> LogLevel.TRACE;
            case Level.INFO_INT -> has(marker, LogMarkers.ACCESS) ? LogLevel.ACCESS : LogLevel.INFO;
            case Level.WARN_INT -> LogLevel.INFO;
            default -> has(marker, LogMarkers.FATAL) ? LogLevel.FATAL : LogLevel.ERROR;
        };
    }

    static LogLevel of(Level level, List<Marker> markers) {
        Marker m = null;
        if (markers != null) {
            for (Marker candidate : markers) {
                if (candidate == LogMarkers.ACCESS || candidate == LogMarkers.FATAL) {
                    m = candidate;
                }
            }
        }
        return of(level, m);
    }

    /** The name printed in the level column. */
    static String display(Level level, LogLevel websocketdLevel) {
        return level.toInt() == Level.WARN_INT ? "WARN" : websocketdLevel.name();
    }

    private static boolean has(Marker marker, Marker wanted) {
        return marker != null && (marker == wanted || marker.contains(wanted));
    }
}
