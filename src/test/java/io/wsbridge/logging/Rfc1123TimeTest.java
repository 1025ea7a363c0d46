package io.wsbridge.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Random;
import java.util.TimeZone;
import org.junit.jupiter.api.Test;

class Rfc1123TimeTest {
    @Test
    void matchesJavaTimeInSeveralZonesAcrossCenturies() {
        Random r = new Random(3);
        for (String zone : new String[] {"UTC", "Europe/Berlin", "America/St_Johns", "Asia/Kolkata", "Pacific/Apia"}) {
            Rfc1123Time ours = new Rfc1123Time(TimeZone.getTimeZone(zone));
            DateTimeFormatter jdk = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss Z", Locale.US)
                    .withZone(ZoneId.of(zone));
            for (int i = 0; i < 2000; i++) {
                long millis = (long) (r.nextDouble() * 8_000_000_000_000L) - 2_000_000_000_000L;
                assertThat(ours.format(millis)).as("%s at %d", zone, millis)
                        .isEqualTo(jdk.format(Instant.ofEpochMilli(millis)));
            }
        }
    }
}
