package io.wsbridge.logging;

import org.slf4j.Marker;
import org.slf4j.MarkerFactory;

/**
 * websocketd has two levels SLF4J lacks: ACCESS (between trace and info) and FATAL (above error). They are
 * logged at INFO and ERROR carrying one of these markers; {@link WebsocketdLevels} maps them back.
 */
public final class LogMarkers {
    public static final Marker ACCESS = MarkerFactory.getMarker("ACCESS");
    public static final Marker FATAL = MarkerFactory.getMarker("FATAL");

    private LogMarkers() {
    }
}
