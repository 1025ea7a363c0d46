package io.wsbridge.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.wsbridge.rooms.RoomActivity;
import java.util.List;
import java.util.function.Supplier;

/**
 * --rooms under --metrics (this class, and so the rooms' listener type, loads only when both are given): the
 * rooms open, their clients, and what happens to slow clients.
 *
 * <p>Clients per room without a label per room: a room is any URL path a client asks for, so a label keyed by
 * the path would let clients create series at will, and even capped at N rooms every room that comes and goes
 * leaves a series behind in the TSDB. Instead: the number of rooms, the clients in all of them, the clients of
 * the fullest one (what --roommaxclients limits), and the rooms counted by size in six fixed classes ("0", "1",
 * "2-9", "10-99", "100-999", "1000+"), which shows the shape (many pairs, or one crowd) at a fixed cost of six
 * series. A histogram would not do: it counts observations over time, not the rooms as they are now. The four
 * gauges come from one snapshot of the rooms per scrape, so they agree with each other.
 */
public final class RoomMetrics implements RoomActivity {
    /** Lower bounds of the size classes, and their labels. */
    private static final int[] CLASS_FROM = {0, 1, 2, 10, 100, 1000};
    private static final String[] CLASS_LABEL = {"0", "1", "2-9", "10-99", "100-999", "1000+"};

    private final PrometheusRegistry registry;
    private final String scope;
    private final Counter messages;
    private final Counter slowClosed;
    private final Counter dropped;
    private final Counter outputPauses;

    /** @param bus whether --roombus shares the rooms with other instances (the help text says what is counted) */
    RoomMetrics(PrometheusRegistry registry, boolean bus) {
        this.registry = registry;
        this.scope = bus ? " (--roombus: this instance's clients only; each instance counts its own)" : "";
        messages = Counter.builder().name("wsbridge_room_messages")
                .help("Messages of room programs sent to the rooms' clients on this instance, once per message"
                        + " whatever the number of clients" + (bus ? " (from the program here or on another"
                        + " instance)" : ""))
                .withoutExemplars().register(registry);
        slowClosed = Counter.builder().name("wsbridge_room_slow_client_closes")
                .help("Room clients closed with 1008 \"too slow\" (--slowclient=close, or a message in pieces that"
                        + " --slowclient=drop could not drop)")
                .withoutExemplars().register(registry);
        dropped = Counter.builder().name("wsbridge_room_messages_dropped")
                .help("Messages a slow room client never got (--slowclient=drop), counted per client")
                .withoutExemplars().register(registry);
        outputPauses = Counter.builder().name("wsbridge_room_output_pauses")
                .help("Times a room stopped reading its program's output until a slow client caught up"
                        + " (--slowclient=wait)")
                .withoutExemplars().register(registry);
    }

    /** Counts the rooms at each scrape by asking {@code clientsPerRoom} (each open room's clients here). */
    public void countRooms(Supplier<int[]> clientsPerRoom) {
        registry.register(new Census(clientsPerRoom));
    }

    @Override
    public void messagesSent(int n) {
        messages.inc(n);
    }

    @Override
    public void slowClientClosed() {
        slowClosed.inc();
    }

    @Override
    public void messagesDropped(long n) {
        dropped.inc(n);
    }

    @Override
    public void outputPaused() {
        outputPauses.inc();
    }

    /** The size class of a room of {@code clients}. */
    static int sizeClass(int clients) {
        int c = CLASS_FROM.length - 1;
        while (clients < CLASS_FROM[c]) {
            c--;
        }
        return c;
    }

    /** The four room gauges, from one snapshot of the rooms. */
    private final class Census implements MultiCollector {
        private final Supplier<int[]> clientsPerRoom;

        Census(Supplier<int[]> clientsPerRoom) {
            this.clientsPerRoom = clientsPerRoom;
        }

        @Override
        public MetricSnapshots collect() {
            int[] rooms = clientsPerRoom.get();
            long clients = 0;
            int largest = 0;
            long[] bySize = new long[CLASS_FROM.length];
            for (int n : rooms) {
                clients += n;
                largest = Math.max(largest, n);
                bySize[sizeClass(n)]++;
            }
            GaugeSnapshot.Builder classes = GaugeSnapshot.builder().name("wsbridge_rooms_by_clients")
                    .help("Rooms open on this instance, by how many clients they have (in fixed classes)" + scope);
            for (int c = 0; c < CLASS_FROM.length; c++) {
                classes.dataPoint(GaugeDataPointSnapshot.builder().labels(Labels.of("clients", CLASS_LABEL[c]))
                        .value(bySize[c]).build());
            }
            return MetricSnapshots.of(
                    gauge("wsbridge_rooms_open", "Rooms open on this instance (lingering ones, and with --roombus"
                            + " those whose program runs here for other instances' clients, included)", rooms.length),
                    gauge("wsbridge_room_clients", "Clients in rooms on this instance" + scope, clients),
                    gauge("wsbridge_room_clients_max", "Clients of the fullest room on this instance" + scope,
                            largest),
                    classes.build());
        }

        @Override
        public List<String> getPrometheusNames() {
            return List.of("wsbridge_rooms_open", "wsbridge_room_clients", "wsbridge_room_clients_max",
                    "wsbridge_rooms_by_clients");
        }
    }

    private static GaugeSnapshot gauge(String name, String help, double value) {
        return GaugeSnapshot.builder().name(name).help(help)
                .dataPoint(GaugeDataPointSnapshot.builder().value(value).build()).build();
    }
}
