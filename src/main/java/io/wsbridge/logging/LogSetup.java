package io.wsbridge.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.nio.charset.StandardCharsets;
import org.slf4j.LoggerFactory;

/**
 * Configures logback in code (found through ServiceLoader, so no XML is parsed at start-up): one console
 * appender on stdout with websocketd's layout, and a threshold set from --loglevel. It is the only
 * configurator in the jar, so it carries no rank annotation (reading one costs a fresh JVM tens of ms).
 */
public final class LogSetup extends ContextAwareBase implements Configurator {
    private static final String THRESHOLD_NAME = "wsbridge-threshold";

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        LevelThreshold threshold = new LevelThreshold();
        threshold.setName(THRESHOLD_NAME);
        threshold.setContext(context);
        threshold.start();
        context.addTurboFilter(threshold);

        WebsocketdLayout layout = new WebsocketdLayout();
        layout.setContext(context);
        layout.start();
        LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
        encoder.setContext(context);
        encoder.setLayout(layout);
        encoder.setCharset(StandardCharsets.UTF_8);
        encoder.start();
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(context);
        console.setName("stdout");
        console.setEncoder(encoder);
        console.start();

        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.TRACE);
        root.addAppender(console);
        // Library chatter (Netty's start-up probing) only at websocketd's most verbose level.
        context.getLogger("io.netty").setLevel(Level.DEBUG);
        // The Redis client (--roombus) logs every reconnection attempt; the bus itself logs one line per change
        // of state instead.
        context.getLogger("io.lettuce").setLevel(Level.OFF);
        context.getLogger("reactor").setLevel(Level.OFF);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** Applies --loglevel; call once the command line is parsed. */
    public static void apply(LogLevel level) {
        DeferredNettyLogging.ready();
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        for (var filter : context.getTurboFilterList()) {
            if (filter instanceof LevelThreshold t) {
                t.threshold(level);
            }
        }
    }
}
