package io.wsbridge.rooms;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoop;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * What a room's program prints, on its way to the room's clients: encoded once as WebSocket frames, a burst at
 * a time (one stdout read's worth), and every client gets a duplicate of the same buffer; with --roomjson, a
 * line can be routed to some clients only. Kept here too: the --roomhistory copies, and the clients grouped by
 * event loop (one task per loop and burst). Used on the room's loop only.
 */
final class RoomOutput {
    /** A burst is sent on when it holds this much, even before the end of the read. */
    private static final int BURST_BYTES = 64 * 1024;
    /** --roomjson: a stdout line longer than this is not routed, but broadcast as it is, in pieces. */
    private static final int JSON_LINE_LIMIT = 1 << 20;

    private final boolean json;
    private final ByteBufAllocator alloc;
    private final Supplier<EventLoop> roomLoop;
    /** --roomjson's {"close":ID}: the client of that ID, or null. */
    private final Function<String, Member> byId;
    private final History history;
    /** Told of the messages sent (--metrics). */
    private final RoomActivity activity;
    private Map<EventLoop, Member[]> byLoop = Map.of();
    private ByteBuf burst;
    private int burstMessages;
    private int burstFresh;
    private boolean burstOpenAtStart;
    private boolean messageOpen;
    private CompositeByteBuf jsonLine;
    private boolean jsonStreaming;

    RoomOutput(boolean json, int history, long clientBuffer, ByteBufAllocator alloc, Supplier<EventLoop> roomLoop,
               Function<String, Member> byId, RoomActivity activity) {
        this.json = json;
        this.alloc = alloc;
        this.roomLoop = roomLoop;
        this.byId = byId;
        this.history = new History(history, clientBuffer, alloc);
        this.activity = activity;
    }

    /** Who gets what is sent from now on (the room's clients changed). */
    void members(List<Member> members) {
        Map<EventLoop, List<Member>> groups = new LinkedHashMap<>();
        for (Member m : members) {
            groups.computeIfAbsent(m.loop, l -> new ArrayList<>()).add(m);
        }
        Map<EventLoop, Member[]> next = new LinkedHashMap<>();
        groups.forEach((l, ms) -> next.put(l, ms.toArray(new Member[0])));
        byLoop = next;
    }

    /** For a client joining now: the history to replay to it (retained copies, oldest first). */
    List<ByteBuf> history() {
        return history.replay();
    }

    /** Whether a message is half sent (a client joining now must skip its rest). */
    boolean midMessage() {
        return messageOpen;
    }

    /** A piece of what the program printed, from here or (with the bus) another instance (payload released). */
    void print(ByteBuf payload, boolean binary, boolean first, boolean last) {
        if (json && !binary) {
            jsonFragment(payload, first, last);
        } else {
            broadcast(payload, binary, first, last);
        }
    }

    /** Adds a frame to the burst every client gets (payload released). */
    private void broadcast(ByteBuf payload, boolean binary, boolean first, boolean last) {
        try {
            if (burst == null) {
                burst = alloc.directBuffer(Math.min(BURST_BYTES, payload.readableBytes() + 64));
                burstMessages = 0;
                burstOpenAtStart = messageOpen;
                burstFresh = messageOpen ? -1 : 0;
            }
            int start = burst.writerIndex();
            if (first && burstFresh < 0) {
                burstFresh = start;
            }
            Frames.append(burst, payload, binary, first, last);
            messageOpen = !last;
            if (last) {
                burstMessages++;
            }
            if (history.kept()) {
                history.frame(burst, start, burst.writerIndex() - start, first, last);
            }
        } finally {
            payload.release();
        }
        if (burst.readableBytes() >= BURST_BYTES) {
            flush();
        }
    }

    /** Sends the burst to every client: one shared buffer, a duplicate each. */
    void flush() {
        ByteBuf frames = burst;
        if (frames == null) {
            return;
        }
        burst = null;
        if (burstMessages > 0) {
            activity.messagesSent(burstMessages);
        }
        boolean whole = !burstOpenAtStart && !messageOpen;
        deliver(frames, burstMessages, burstFresh, whole, null);
    }

    /** Gives each chosen client (all when {@code who} is null) a duplicate of {@code frames} (released). */
    private void deliver(ByteBuf frames, int messages, int fresh, boolean whole, Predicate<Member> who) {
        EventLoop here = roomLoop.get();
        for (Map.Entry<EventLoop, Member[]> group : byLoop.entrySet()) {
            Member[] ms = group.getValue();
            if (group.getKey() == here) {
                deliverHere(ms, frames, messages, fresh, whole, who);
            } else {
                frames.retain();
                group.getKey().execute(() -> {
                    deliverHere(ms, frames, messages, fresh, whole, who);
                    frames.release();
                });
            }
        }
        frames.release();
    }

    private static void deliverHere(Member[] ms, ByteBuf frames, int messages, int fresh, boolean whole,
                                    Predicate<Member> who) {
        for (Member m : ms) {
            if (who == null || who.test(m)) {
                m.deliver(frames.retainedDuplicate(), messages, fresh, whole);
                m.flush();
            }
        }
    }

    // ---- --roomjson ----

    private void jsonFragment(ByteBuf payload, boolean first, boolean last) {
        if (jsonStreaming) {
            broadcast(payload, false, false, last);
            jsonStreaming = !last;
            return;
        }
        if (jsonLine == null) {
            jsonLine = alloc.compositeBuffer(Integer.MAX_VALUE);
        }
        jsonLine.addComponent(true, payload);
        if (!last && jsonLine.readableBytes() > JSON_LINE_LIMIT) {
            ByteBuf head = jsonLine;
            jsonLine = null;
            jsonStreaming = true;
            broadcast(head, false, true, false); // too long to route: everyone gets it as it is
            return;
        }
        if (last) {
            ByteBuf line = jsonLine;
            jsonLine = null;
            route(line);
        }
    }

    private void route(ByteBuf line) {
        RoomJson.Route route = line.readableBytes() > 0 && line.getByte(line.readerIndex()) == '{'
                ? RoomJson.route(line.toString(StandardCharsets.UTF_8)) : null;
        if (route == null) {
            broadcast(line, false, true, true);
            return;
        }
        line.release();
        if (route instanceof RoomJson.Broadcast b) {
            broadcast(utf8(b.data()), false, true, true);
            return;
        }
        flush(); // what came before goes first
        if (route instanceof RoomJson.To to) {
            Set<String> ids = Set.copyOf(to.clients());
            activity.messagesSent(1);
            deliver(frame(to.data()), 1, 0, true, m -> ids.contains(m.id));
        } else if (route instanceof RoomJson.Except ex) {
            activity.messagesSent(1);
            deliver(frame(ex.data()), 1, 0, true, m -> !m.id.equals(ex.client()));
        } else if (route instanceof RoomJson.Close c) {
            Member m = byId.apply(c.client());
            if (m != null) {
                m.loop.execute(() -> m.close(c.code(), c.reason(), true));
            }
        }
    }

    private ByteBuf frame(String text) {
        ByteBuf payload = utf8(text);
        ByteBuf out = alloc.directBuffer(payload.readableBytes() + 10);
        Frames.append(out, payload, false, true, true);
        payload.release();
        return out;
    }

    private static ByteBuf utf8(String text) {
        return Unpooled.wrappedBuffer(text.getBytes(StandardCharsets.UTF_8));
    }

    /** The room is over: nobody gets anything more, and what was held goes. */
    void release() {
        byLoop = Map.of();
        if (burst != null) {
            burst.release();
            burst = null;
        }
        if (jsonLine != null) {
            jsonLine.release();
            jsonLine = null;
        }
        history.release();
    }
}
