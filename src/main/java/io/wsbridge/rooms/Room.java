package io.wsbridge.rooms;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import io.wsbridge.cli.Config;
import io.wsbridge.http.RequestInfo;
import io.wsbridge.logging.LogScope;
import io.wsbridge.process.ExitStatus;
import io.wsbridge.session.ClientEndpoint;
import io.wsbridge.session.CloseCodes;
import io.wsbridge.session.ProgramEndpoint;
import io.wsbridge.session.ProgramEvents;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One program joined to many clients: the second session strategy's joiner (the first is
 * {@code session.Session}, one client to one program). Everything here runs on the room's event loop (the
 * loop of the client that opened it); clients on other loops are reached by one task per loop and burst.
 *
 * <p>The life of a room: the program starts with the first client, and clients are let in (101) once it runs
 * (if it cannot start, those waiting get a 503; with --roombus they are let in as they join, since the program
 * may run on another instance); client messages go to its stdin whole, in
 * the order the room receives them; what it prints is encoded once as WebSocket frames, a burst at a time
 * (one stdout read's worth), and every client gets a duplicate of the same buffer (with --roomjson, a line
 * can be routed to some clients only). A joining client first gets the history (--roomhistory), then live
 * messages: both come from this loop, so nothing is missed or doubled at the seam. When the last client
 * leaves, the program is ended after --roomlinger; when the program ends, every client gets the close frame
 * a single session would give, and the next client starts a new program.
 */
final class Room implements ProgramEvents {
    /** A burst is sent on when it holds this much, even before the end of the read. */
    private static final int BURST_BYTES = 64 * 1024;
    /** --roomjson: a stdout line longer than this is not routed, but broadcast as it is, in pieces. */
    private static final int JSON_LINE_LIMIT = 1 << 20;

    final String key;
    private final ProcessPerRoom rooms;
    private final Config.Rooms settings;
    private final LogScope log;
    private final ByteBufAllocator alloc;
    private final Function<ProgramEvents, ProgramEndpoint> launch;
    /** Told of messages sent and of slow clients (--metrics). */
    final RoomActivity activity;
    /** --roombus: the same room on the other instances; null when this instance is alone. */
    private BusLink link;
    /** With the bus: the program runs here (this instance holds the room's lease). */
    private boolean owner;
    private boolean linkClosed;
    /** Clients reserved (upgrade accepted) and not yet gone; guarded by {@code rooms}' lock. */
    int reservations;
    private volatile EventLoop loop;
    private ProgramEndpoint program;
    /** The program has started (its clients are let in as they join); false while it is being started. */
    private boolean running;
    /** The program could not be started: the room is over and nobody was let in. */
    private boolean startFailed;
    private final List<Member> members = new ArrayList<>();
    private final Map<String, Member> byId = new HashMap<>();
    private Map<EventLoop, Member[]> byLoop = Map.of();
    // output, as it is encoded
    private ByteBuf burst;
    private int burstMessages;
    private int burstFresh;
    private boolean burstOpenAtStart;
    private boolean messageOpen;
    private final History history;
    private CompositeByteBuf jsonLine;
    private boolean jsonStreaming;
    // backpressure
    private final Set<Member> full = new HashSet<>();
    private boolean outputPaused;
    private boolean inputFull;
    private final Set<Member> pausedSenders = new HashSet<>();
    // ending
    private ScheduledFuture<?> linger;
    private boolean outputEnded;
    private ExitStatus exit;
    private boolean over;
    private int finalCode = CloseCodes.GOING_AWAY;
    private String finalReason = "room closed";

    Room(String key, ProcessPerRoom rooms, Config.Rooms settings, LogScope log, ByteBufAllocator alloc,
         Function<ProgramEvents, ProgramEndpoint> launch) {
        this.key = key;
        this.rooms = rooms;
        this.settings = settings;
        this.log = log;
        this.alloc = alloc;
        this.launch = launch;
        this.activity = rooms.activity();
        this.history = new History(settings.history(), settings.clientBuffer(), alloc);
    }

    /** The room's loop: the first client's; set once. */
    synchronized EventLoop loop(EventLoop candidate) {
        if (loop == null) {
            loop = candidate;
            if (link != null) {
                link.attach();
            }
        }
        return loop;
    }

    /** --roombus: the room is shared with the other instances through this link (set before any client). */
    void link(BusLink busLink) {
        this.link = busLink;
    }

    BusLink link() {
        return link;
    }

    EventLoop loop() {
        return loop;
    }

    /** Runs a task on the room's loop (always queued, so a member never re-enters the room). */
    void execute(Runnable task) {
        loop.execute(task);
    }

    /**
     * A client whose upgrade was accepted (its loop): it joins on the room's loop, and is let in (101) once the
     * room's program runs; if that program cannot start, it is refused (503).
     */
    Member start(ClientEndpoint client, RequestInfo request, String id) {
        loop(client.eventLoop());
        LogScope clientLog = log.with("client", id).with("id", request.id()).with("remote", request.remoteAddr());
        Member m = new Member(id, client, this, request.remoteAddr(), request.rawQuery(), clientLog,
                settings.clientBuffer(), settings.slowClient());
        clientLog.access("CONNECT");
        execute(() -> join(m));
        return m;
    }

    // ---- joining and leaving ----

    private void join(Member m) {
        if (over) {
            // Reserved before the room ended: it gets the close the others got (a 503 if the program never ran).
            boolean letIn = !startFailed;
            m.loop.execute(() -> {
                if (letIn) {
                    m.open();
                }
                m.close(finalCode, finalReason, true);
            });
            return;
        }
        if (linger != null) {
            linger.cancel(false);
            linger = null;
        }
        if (program == null && link == null) {
            program = launch.apply(this);
            if (over) { // could not even be started
                m.loop.execute(() -> m.close(finalCode, finalReason, true));
                return;
            }
        }
        List<ByteBuf> replay = history.replay();
        boolean open = messageOpen;
        // Let in now if the program runs (with the bus: wherever it runs), else when it does (started).
        boolean letIn = running || link != null;
        m.loop.execute(() -> {
            if (letIn) {
                m.open();
            }
            for (ByteBuf h : replay) {
                m.deliver(h, 1, 0, true);
            }
            m.midMessage = open; // the rest of a message begun before it came is not for it
            m.flush();
        });
        members.add(m);
        byId.put(m.id, m);
        regroup();
        if (link != null) {
            link.joined(m.id); // its join line was made at admission; the program hears of it now
        } else if (settings.json()) {
            toProgram(RoomJson.join(m.id, m.remote, m.query, null));
        }
    }

    void leave(Member m) {
        if (byId.remove(m.id) != null) {
            members.remove(m);
            regroup();
            if (link != null) {
                link.leave(m.id);
            } else if (settings.json() && !over) {
                toProgram(RoomJson.leave(m.id, null));
            }
        }
        pausedSenders.remove(m);
        if (full.remove(m)) {
            maybeResumeOutput();
        }
        if (rooms.release(this) && (!owner || rooms.shuttingDown())) {
            nobodyLeft(); // with the bus, the owner waits until nobody is left on any instance (busEmpty)
        }
    }

    /** No client is left or coming: the program ends, after --roomlinger. */
    void nobodyLeft() {
        if (over) {
            return;
        }
        if (settings.lingerMs() <= 0 || rooms.shuttingDown()) {
            endIfStillEmpty();
        } else if (linger == null) {
            linger = loop.schedule(this::endIfStillEmpty, settings.lingerMs(), TimeUnit.MILLISECONDS);
        }
    }

    private void endIfStillEmpty() {
        linger = null;
        if (!over && rooms.retireIfEmpty(this)) {
            over = true;
            log.debug("Room {} is empty: ending its program", key);
            if (program != null) {
                program.end();
            } else {
                rooms.giveBackSlot();
                if (link != null && !linkClosed) {
                    linkClosed = true;
                    link.close(); // a follower: the others go on without us
                }
            }
        }
    }

    private void regroup() {
        Map<EventLoop, List<Member>> groups = new LinkedHashMap<>();
        for (Member m : members) {
            groups.computeIfAbsent(m.loop, l -> new ArrayList<>()).add(m);
        }
        Map<EventLoop, Member[]> next = new LinkedHashMap<>();
        groups.forEach((l, ms) -> next.put(l, ms.toArray(new Member[0])));
        byLoop = next;
    }

    // ---- clients -> program ----

    void fromClient(Member m, ByteBuf message, boolean binary) {
        if (link != null && !over && byId.containsKey(m.id)) {
            // To the program wherever it runs (here too: the bus keeps each client's order across takeovers).
            if (settings.json()) {
                if (!binary) {
                    link.send(m.id, ("t" + RoomJson.message(m.id, message.toString(StandardCharsets.UTF_8)))
                            .getBytes(StandardCharsets.UTF_8));
                }
            } else {
                byte[] bytes = new byte[message.readableBytes() + 1];
                bytes[0] = (byte) (binary ? 'b' : 't');
                message.getBytes(message.readerIndex(), bytes, 1, bytes.length - 1);
                link.send(m.id, bytes);
            }
            message.release();
            return;
        }
        if (over || program == null || !byId.containsKey(m.id)) {
            message.release();
            return;
        }
        boolean more;
        if (settings.json()) {
            if (binary) {
                message.release();
                return;
            }
            String text = message.toString(StandardCharsets.UTF_8);
            message.release();
            more = toProgram(RoomJson.message(m.id, text));
        } else {
            more = program.write(message, binary, true) && program.flush();
        }
        if (!more) {
            inputFull = true;
        }
        if (inputFull && pausedSenders.add(m)) {
            m.pauseReading();
        }
    }

    private boolean toProgram(String line) {
        ByteBuf data = Unpooled.wrappedBuffer(line.getBytes(StandardCharsets.UTF_8));
        return program.write(data, false, true) && program.flush();
    }

    @Override
    public void inputDrained() {
        inputFull = false;
        for (Member m : pausedSenders) {
            m.resumeReading();
        }
        pausedSenders.clear();
    }

    // ---- program -> clients ----

    @Override
    public void fragment(ByteBuf payload, boolean binary, boolean first, boolean last) {
        if (owner && !over) {
            link.forward(payload, binary, first, last, settings.json(), settings.history() > 0);
        }
        output(payload, binary, first, last);
    }

    /** Output, from the program here or (with the bus) from the program on another instance. */
    private void output(ByteBuf payload, boolean binary, boolean first, boolean last) {
        if (over) {
            payload.release();
        } else if (settings.json() && !binary) {
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
            sendBurst();
        }
    }

    /** Sends the burst to every client: one shared buffer, a duplicate each. */
    private void sendBurst() {
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
        for (Map.Entry<EventLoop, Member[]> group : byLoop.entrySet()) {
            Member[] ms = group.getValue();
            if (group.getKey() == loop) {
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

    @Override
    public void outputFlush() {
        sendBurst();
    }

    // ---- --roombus ----

    /** A stdout message of the program on another instance (or from the room's history in Redis). */
    void fromBus(byte[] tagged) {
        if (over || tagged.length == 0) {
            return;
        }
        ByteBuf payload = Unpooled.wrappedBuffer(tagged, 1, tagged.length - 1);
        output(payload, tagged[0] == 'b', true, true); // sent with the rest of the batch (outputFlush)
    }

    /** The program of the room runs here now: start it (the clients' joins follow through busInput). */
    void busOwner() {
        if (over) {
            return;
        }
        owner = true;
        if (program == null) {
            CurrentProgram events = new CurrentProgram(this, () -> program);
            program = launch.apply(events);
            events.launched(program);
        }
    }

    /** Another instance runs the room's program now: ours ends, our clients stay and get its output. */
    void busStepDown() {
        owner = false;
        link.dropForward();
        ProgramEndpoint old = program;
        program = null;
        if (old != null) {
            old.end();
        }
        if (byId.isEmpty()) {
            nobodyLeft(); // it stayed only for the clients elsewhere
        }
    }

    /** Owner: a message for the program's stdin (first byte 't' or 'b'), from a client on any instance. */
    void busInput(byte[] data) {
        if (!owner || program == null || over || data.length == 0) {
            return;
        }
        // Written even when the pipe is full: input from other instances is not paused (see the README).
        program.write(Unpooled.wrappedBuffer(data, 1, data.length - 1), data[0] == 'b', true);
        program.flush();
    }

    /** Owner: nobody is left in the room on any instance: the program ends as when the last client leaves. */
    void busEmpty() {
        if (byId.isEmpty()) {
            nobodyLeft();
        }
    }

    /** The program ended on the instance that ran it: our clients get the close its clients got. */
    void busEnded(int code, String reason) {
        if (!owner) {
            closeAll(code, reason);
        }
    }

    // ---- --roomjson output ----

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
        sendBurst(); // what came before goes first
        if (route instanceof RoomJson.To to) {
            Set<String> ids = Set.copyOf(to.clients());
            activity.messagesSent(1);
            deliver(frame(to.data()), 1, 0, true, m -> ids.contains(m.id));
        } else if (route instanceof RoomJson.Except ex) {
            activity.messagesSent(1);
            deliver(frame(ex.data()), 1, 0, true, m -> !m.id.equals(ex.client()));
        } else if (route instanceof RoomJson.Close c) {
            Member m = byId.get(c.client());
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

    // ---- slow clients (--slowclient=wait) ----

    void memberFull(Member m) {
        if (byId.containsKey(m.id) && full.add(m) && !outputPaused && (program != null || link != null)) {
            outputPaused = true;
            activity.outputPaused();
            if (program != null) {
                program.pauseOutput();
            }
            if (link != null) {
                link.pauseOutput(); // with the bus: this instance stops reading the program's output from Redis
            }
        }
    }

    void memberHasRoom(Member m) {
        if (full.remove(m)) {
            maybeResumeOutput();
        }
    }

    private void maybeResumeOutput() {
        if (full.isEmpty() && outputPaused && !over) {
            outputPaused = false;
            if (program != null) {
                program.resumeOutput();
            }
            if (link != null) {
                link.resumeOutput();
            }
        }
    }

    // ---- endings ----

    @Override
    public void outputEnded() {
        outputEnded = true;
        finishIfOver();
    }

    @Override
    public void exited(ExitStatus status) {
        exit = status;
        LogScope l = log.with("pid", program.pid()).with("status", status.describe());
        l.access("ROOM PROGRAM ENDED");
        if (over) {
            // Ended for want of clients (on any instance): its lease goes now, for the next client anywhere.
            endLink(status.success() ? CloseCodes.NORMAL : CloseCodes.INTERNAL_ERROR, status.describe());
        }
        finishIfOver();
    }

    private void finishIfOver() {
        if (outputEnded && exit != null) {
            sendBurst();
            closeAll(exit.success() ? CloseCodes.NORMAL : CloseCodes.INTERNAL_ERROR, exit.describe());
            program.end();
        }
    }

    @Override
    public void outputBroken(String reason) {
        closeAll(CloseCodes.INTERNAL_ERROR, reason);
    }

    @Override
    public void started() {
        running = true;
        for (Member m : members) {
            m.loop.execute(m::open); // those who came while it was starting
        }
    }

    @Override
    public void failed(String why) {
        startFailed = true;
        // Those not let in yet (all of them, unless the bus let them in) get a 503 with this reason.
        closeAll(CloseCodes.INTERNAL_ERROR, "cannot start program: " + why);
    }

    /** The program is gone: every client gets the close frame a single session would give. */
    private void closeAll(int code, String reason) {
        boolean wasOver = over;
        over = true;
        endLink(code, reason);
        finalCode = code;
        finalReason = reason;
        if (!wasOver) {
            rooms.retire(this);
        }
        for (Member m : members) {
            m.loop.execute(() -> m.close(code, reason, false));
            rooms.release(this);
        }
        members.clear();
        byId.clear();
        byLoop = Map.of();
        releaseOutput();
    }

    /** With the bus: the program is over here; as its owner, tell the others, and leave the room's bus. */
    private void endLink(int code, String reason) {
        if (link != null && !linkClosed) {
            linkClosed = true;
            if (owner) {
                link.programEnded(code, reason); // the other instances close their clients the same way
            }
            link.close();
        }
    }

    private void releaseOutput() {
        if (burst != null) {
            burst.release();
            burst = null;
        }
        if (jsonLine != null) {
            jsonLine.release();
            jsonLine = null;
        }
        history.release();
        if (linger != null) {
            linger.cancel(false);
            linger = null;
        }
    }
}
