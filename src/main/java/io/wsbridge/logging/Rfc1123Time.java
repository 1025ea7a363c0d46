package io.wsbridge.logging;

import java.util.TimeZone;

/**
 * Formats a time the way Go's time.RFC1123Z does ("Tue, 24 Nov 2026 12:48:24 +0000"), in the local time zone,
 * without java.time's formatter: setting that up (locale data, pattern parsing) costs a fresh JVM tens of
 * milliseconds before its first log line.
 */
final class Rfc1123Time {
    private static final String[] DAYS = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"}; // 1970-01-01 was a Thursday
    private static final String[] MONTHS = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
        "Nov", "Dec"};

    private final TimeZone zone;

    Rfc1123Time(TimeZone zone) {
        this.zone = zone;
    }

    String format(long epochMillis) {
        int offsetMillis = zone.getOffset(epochMillis);
        long local = Math.floorDiv(epochMillis + offsetMillis, 1000);
        long days = Math.floorDiv(local, 86_400);
        int secondOfDay = (int) Math.floorMod(local, 86_400);
        StringBuilder sb = new StringBuilder(31);
        sb.append(DAYS[(int) Math.floorMod(days, 7)]).append(", ");
        // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
        long z = days + 719_468;
        long era = Math.floorDiv(z, 146_097);
        long doe = z - era * 146_097;
        long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long mp = (5 * doy + 2) / 153;
        int day = (int) (doy - (153 * mp + 2) / 5 + 1);
        int month = (int) (mp < 10 ? mp + 3 : mp - 9);
        long year = yoe + era * 400 + (month <= 2 ? 1 : 0);
        two(sb, day).append(' ').append(MONTHS[month - 1]).append(' ').append(year).append(' ');
        two(sb, secondOfDay / 3600).append(':');
        two(sb, secondOfDay / 60 % 60).append(':');
        two(sb, secondOfDay % 60).append(' ');
        int offsetMinutes = offsetMillis / 60_000;
        sb.append(offsetMinutes < 0 ? '-' : '+');
        offsetMinutes = Math.abs(offsetMinutes);
        two(sb, offsetMinutes / 60);
        two(sb, offsetMinutes % 60);
        return sb.toString();
    }

    private static StringBuilder two(StringBuilder sb, int n) {
        return sb.append((char) ('0' + n / 10)).append((char) ('0' + n % 10));
    }
}
