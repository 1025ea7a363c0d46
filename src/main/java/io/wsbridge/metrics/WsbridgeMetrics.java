package io.wsbridge.metrics;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.function.IntSupplier;

/**
 * Every metric wsbridge exports, in a registry of its own (no global state). Labels are bounded by
 * construction: close codes and refusal statuses are folded into small fixed sets, nothing is labelled by path,
 * client or program. No exemplars: wsbridge has no traces to link them to, and sampling them would cost every
 * increment (several per message).
 */
final class WsbridgeMetrics {
    final PrometheusRegistry registry = new PrometheusRegistry();
    final Gauge openConnections = Gauge.builder().name("wsbridge_websocket_connections_open")
            .help("WebSocket connections open now").register(registry);
    final Counter connections = Counter.builder().name("wsbridge_websocket_connections")
            .help("WebSocket connections that ended, by close code (1006: none was exchanged)")
            .labelNames("code").withoutExemplars().register(registry);
    final Counter refused = Counter.builder().name("wsbridge_upgrades_refused")
            .help("WebSocket upgrade requests refused, by HTTP status").labelNames("status").withoutExemplars()
            .register(registry);
    final Histogram spawnSeconds = Histogram.builder().name("wsbridge_spawn_seconds").unit(Unit.SECONDS)
            .help("Time from asking for a program to it running (or failing to start)")
            .classicUpperBounds(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1)
            .withoutExemplars().register(registry);
    final Histogram handshakeSeconds = Histogram.builder().name("wsbridge_handshake_seconds").unit(Unit.SECONDS)
            .help("Time from an upgrade request's arrival to its 101 being written (authentication included)")
            .classicUpperBounds(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 2.5)
            .withoutExemplars().register(registry);
    final Counter messages = Counter.builder().name("wsbridge_messages")
            .help("WebSocket messages, by direction (in: from clients)").labelNames("direction").withoutExemplars()
            .register(registry);
    final Counter bytes = Counter.builder().name("wsbridge_message_bytes")
            .help("WebSocket message payload bytes, by direction (in: from clients)").labelNames("direction")
            .withoutExemplars().register(registry);
    /** The series each message updates, looked up once (a lookup by label values costs a list and a hash). */
    final CounterDataPoint messagesIn = messages.labelValues("in");
    final CounterDataPoint messagesOut = messages.labelValues("out");
    final CounterDataPoint bytesIn = bytes.labelValues("in");
    final CounterDataPoint bytesOut = bytes.labelValues("out");
    final Counter backpressurePauses = Counter.builder().name("wsbridge_backpressure_pauses")
            .help("Times a connection's outbound buffer filled up, so its program's output was paused")
            .withoutExemplars().register(registry);

    WsbridgeMetrics(IntSupplier livePrograms, int maxForks, boolean jvm) {
        GaugeWithCallback.builder().name("wsbridge_programs_running")
                .help("Programs running now (WebSocket and CGI)")
                .callback(cb -> cb.call(livePrograms.getAsInt())).register(registry);
        if (maxForks > 0) {
            Gauge max = Gauge.builder().name("wsbridge_programs_max").help("--maxforks").register(registry);
            max.set(maxForks);
        }
        if (jvm) {
            JvmMetrics.builder().register(registry);
        }
    }

    /** Close codes as labels: the ones RFC 6455 defines and wsbridge uses, everything else as "other". */
    static String code(int code) {
        return switch (code) {
            case 1000, 1001, 1002, 1003, 1005, 1006, 1007, 1008, 1009, 1010, 1011 -> Integer.toString(code);
            default -> code >= 4000 && code <= 4999 ? "4xxx" : "other";
        };
    }

    /** Refusal statuses as labels: the ones wsbridge sends, everything else by class. */
    static String status(int status) {
        return switch (status) {
            case 400, 401, 403, 404, 405, 426, 429, 500, 503 -> Integer.toString(status);
            default -> (status / 100) + "xx";
        };
    }
}
