package io.wsbridge.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A strict reader of the Prometheus text format (0.0.4): every line checked, then the series by name and labels. */
public final class PrometheusText {
    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern SAMPLE = Pattern.compile(
            "([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{((?:[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\\\n]|\\\\[\\\\\"n])*\",?)*)\\})?"
                    + " ([-+]?(?:[0-9]*\\.?[0-9]+(?:[eE][-+]?[0-9]+)?|NaN|\\+Inf|-Inf))( -?[0-9]+)?");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");

    private PrometheusText() {
    }

    /** Every series by "name{label="value",...}" (labels sorted as written), after checking every line. */
    public static Map<String, Double> parse(String text) {
        assertThat(text).endsWith("\n");
        Map<String, String> typeOf = new LinkedHashMap<>();
        Map<String, Double> series = new LinkedHashMap<>();
        Set<String> helped = new HashSet<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("# HELP ")) {
                String name = line.substring(7).split(" ", 2)[0];
                assertThat(NAME.matcher(name).matches()).as(line).isTrue();
                assertThat(helped.add(name)).as("one HELP per family: %s", line).isTrue();
            } else if (line.startsWith("# TYPE ")) {
                String[] parts = line.substring(7).split(" ");
                assertThat(parts).as(line).hasSize(2);
                assertThat(TYPES).as(line).contains(parts[1]);
                assertThat(typeOf.put(parts[0], parts[1])).as("one TYPE per family: %s", line).isNull();
            } else if (line.startsWith("#") || line.isEmpty()) {
                assertThat(line).as("comments are HELP or TYPE only").isEmpty();
            } else {
                Matcher m = SAMPLE.matcher(line);
                assertThat(m.matches()).as("a valid sample line: %s", line).isTrue();
                String name = m.group(1);
                String family = typeOf.containsKey(name) ? name : name.replaceAll("(_total|_created|_bucket|_count|_sum)$", "");
                assertThat(typeOf).as("TYPE before the samples of %s", name).containsKey(family);
                if (m.group(3) != null) {
                    Matcher l = LABEL.matcher(m.group(3));
                    while (l.find()) {
                        assertThat(l.group(1)).doesNotStartWith("__");
                    }
                }
                String key = name + (m.group(2) == null ? "" : m.group(2));
                double value = m.group(4).equals("+Inf") ? Double.POSITIVE_INFINITY
                        : m.group(4).equals("-Inf") ? Double.NEGATIVE_INFINITY : Double.parseDouble(m.group(4));
                assertThat(series.put(key, value)).as("no duplicate series: %s", key).isNull();
            }
        }
        return series;
    }

    /** GET /metrics on {@code port}, checked and parsed. */
    public static Map<String, Double> scrape(int port) throws Exception {
        RawHttp.Response r = RawHttp.get(port, "/metrics");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Type")).startsWith("text/plain; version=0.0.4");
        return parse(r.text());
    }

    /** One series' value now: -1 when it is missing, -2 when the scrape failed (for waits). */
    public static double value(int port, String series) {
        try {
            return scrape(port).getOrDefault(series, -1.0);
        } catch (Exception | AssertionError e) {
            return -2;
        }
    }
}
