package io.wsbridge.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.LayoutBase;
import java.util.List;
import org.slf4j.event.KeyValuePair;

/**
 * websocketd's line shape, so existing log parsing keeps working:
 * {@code Tue, 24 Nov 2026 12:48:24 +0000 | ACCESS | session    | url:'http://...' id:'...' | CONNECT}.
 * Key/value pairs come from SLF4J's fluent API ({@code addKeyValue}); the category is the logger name.
 */
public final class WebsocketdLayout extends LayoutBase<ILoggingEvent> {
    private final Rfc1123Time clock = new Rfc1123Time(java.util.TimeZone.getDefault());

    /** Formatting a timestamp costs more than the rest of the line; lines within one second share it. */
    private long cachedSecond = Long.MIN_VALUE;
    private String cachedTime = "";

    @Override
    public String doLayout(ILoggingEvent event) {
        StringBuilder line = new StringBuilder(160);
        line.append(time(event.getTimeStamp())).append(" | ");
        LogLevel level = WebsocketdLevels.of(event.getLevel(), event.getMarkerList());
        pad(line, WebsocketdLevels.display(event.getLevel(), level), 6).append(" | ");
        pad(line, category(event.getLoggerName()), 10).append(" | ");
        List<KeyValuePair> pairs = event.getKeyValuePairs();
        if (pairs != null) {
            for (int i = 0; i < pairs.size(); i++) {
                KeyValuePair kv = pairs.get(i);
                if (i > 0) {
                    line.append(' ');
                }
                line.append(kv.key).append(":'");
                appendPrintable(line, String.valueOf(kv.value)).append('\'');
            }
        }
        appendPrintable(line.append(" | "), event.getFormattedMessage());
        IThrowableProxy thrown = event.getThrowableProxy();
        if (thrown != null) {
            line.append(": ").append(thrown.getClassName()).append(": ").append(thrown.getMessage());
        }
        return line.append('\n').toString();
    }

    /**
     * Control characters (URLs and headers come from clients, stderr lines from programs) are written as
     * {@code \\xNN}: a log line stays one line, and escape sequences never reach the terminal of whoever reads it.
     */
    static StringBuilder appendPrintable(StringBuilder sb, String text) {
        if (text == null) {
            return sb.append("null");
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
                sb.append("\\x").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 15, 16));
            } else {
                sb.append(c);
            }
        }
        return sb;
    }

    private synchronized String time(long millis) {
        long second = Math.floorDiv(millis, 1000);
        if (second != cachedSecond) {
            cachedSecond = second;
            cachedTime = clock.format(millis);
        }
        return cachedTime;
    }

    /** Our loggers are named by category ("server", "session", ...); library loggers by class. */
    static String category(String loggerName) {
        if (loggerName.startsWith("io.netty.")) {
            return "netty";
        }
        int dot = loggerName.lastIndexOf('.');
        return dot < 0 ? loggerName : loggerName.substring(dot + 1);
    }

    private static StringBuilder pad(StringBuilder sb, String text, int width) {
        sb.append(text);
        for (int i = text.length(); i < width; i++) {
            sb.append(' ');
        }
        return sb;
    }
}
