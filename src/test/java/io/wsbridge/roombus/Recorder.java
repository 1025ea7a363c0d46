package io.wsbridge.roombus;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A fake room: records what the bus tells it, as text ("owner", "in:LINE", "out:LINE", "end:CODE REASON"...). */
final class Recorder implements RoomEvents {
    final List<String> events = new CopyOnWriteArrayList<>();
    volatile List<String> history;

    @Override
    public void history(List<byte[]> lastBroadcasts) {
        List<String> h = new ArrayList<>();
        lastBroadcasts.forEach(b -> h.add(new String(b, StandardCharsets.UTF_8)));
        history = h;
    }

    @Override
    public void becameOwner() {
        events.add("owner");
    }

    @Override
    public void ownershipLost() {
        events.add("lost");
    }

    @Override
    public void input(byte[] data) {
        events.add("in:" + new String(data, StandardCharsets.UTF_8));
    }

    @Override
    public void clusterEmpty() {
        events.add("empty");
    }

    @Override
    public void output(byte[] data, boolean history) {
        events.add((history ? "hout:" : "out:") + new String(data, StandardCharsets.UTF_8));
    }

    @Override
    public void outputFlush() {
        // nothing batched here
    }

    @Override
    public void ended(int code, String reason) {
        events.add("end:" + code + " " + reason);
    }

    List<String> with(String prefix) {
        List<String> out = new ArrayList<>();
        for (String e : events) {
            if (e.startsWith(prefix)) {
                out.add(e.substring(prefix.length()));
            }
        }
        return out;
    }

    long count(String event) {
        return events.stream().filter(event::equals).count();
    }

    /** Outputs of either kind, in order. */
    List<String> outputs() {
        List<String> out = new ArrayList<>();
        for (String e : events) {
            if (e.startsWith("out:") || e.startsWith("hout:")) {
                out.add(e.substring(e.indexOf(':') + 1));
            }
        }
        return out;
    }
}
