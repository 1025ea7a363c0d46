package io.wsbridge.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.Marker;

/** Drops events below the --loglevel threshold, ranked in websocketd's order (see {@link WebsocketdLevels}). */
final class LevelThreshold extends TurboFilter {
    private volatile LogLevel threshold = LogLevel.ACCESS;

    void threshold(LogLevel level) {
        this.threshold = level;
    }

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params,
                              Throwable t) {
        if (level == null) {
            return FilterReply.NEUTRAL;
        }
        LogLevel wanted = threshold;
        if (wanted == LogLevel.NONE) {
            return FilterReply.DENY;
        }
        return WebsocketdLevels.of(level, marker).ordinal() >= wanted.ordinal() ? FilterReply.NEUTRAL
                : FilterReply.DENY;
    }
}
