package io.wsbridge.rooms;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
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
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * One program joined to many clients: the second session strategy's joiner (the first is
 * {@code session.Session}, one client to one program). Everything here runs on the room's event loop (the
 * loop of the client that opened it).
 *
 * <p>The life of a room: the program starts with the first client, and clients are let in (101) once it runs
 * (if it cannot start, those waiting get a 503; with --roombus they are let in as they join, since the program
 * may run on another instance); client messages go to its stdin whole, in
 * the order the room receives them; what it prints goes to every client through {@link RoomOutput} (encoded
 * once, one shared buffer). A joining client first gets the history (--roomhistory), then live
 * messages: both come from this loop, so nothing is missed or doubled at the seam. When the last client
 * leaves, the program is ended after --roomlinger; when the program ends, every client gets the close frame
 * a single session would give, and the next client starts a new program.
 */
final class Room implements ProgramEvents {
    final String key;
    private final ProcessPerRoom rooms;
    private final Config.Rooms settings;
    private final LogScope log;
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
    private final RoomOutput output;
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
        this.launch = launch;
        this.activity = rooms.activity();
        this.output = new RoomOutput(settings.json(), settings.history(), settings.clientBuffer(), alloc,
                this::loop, byId::get, activity);
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
        List<ByteBuf> replay = output.history();
        boolean open = output.midMessage();
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
        output.members(members);
        if (link != null) {
            link.joined(m.id); // its join line was made at admission; the program hears of it now
        } else if (settings.json()) {
            toProgram(RoomJson.join(m.id, m.remote, m.query, null));
        }
    }

    void leave(Member m) {
        if (byId.remove(m.id) != null) {
            members.remove(m);
            output.members(members);
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
        } else {
            output.print(payload, binary, first, last);
        }
    }

    @Override
    public void outputFlush() {
        output.flush();
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
            output.flush();
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
        release();
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

    private void release() {
        output.release();
        if (linger != null) {
            linger.cancel(false);
            linger = null;
        }
    }
}
