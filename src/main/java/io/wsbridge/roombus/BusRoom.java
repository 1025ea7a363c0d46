package io.wsbridge.roombus;

import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.XReadArgs;
import io.wsbridge.roombus.BusScripts.Script;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One room as this instance sees it: either the owner (its program runs here) or a follower. Public methods may be
 * called from any thread; they hop onto the bus thread, where all of this state lives, in call order, so each
 * client's events keep their order.
 *
 * <p>The owner gets input from two places: its own clients (directly, no round trip) and the in stream (clients
 * of other instances). Both pass one filter, the set of clients its program knows: a join of a known client and a
 * message or leave of an unknown one are dropped, which makes replays after a takeover or a Redis restart safe.
 * An instance that just took over first delivers the joins of every member and the in backlog written before it
 * won the lease, and only then its own clients' input, so no client's messages overtake each other.
 */
public final class BusRoom {
    private static final byte[] NONE = new byte[0];
    private static final byte[] T = {'t'};
    private static final byte[] C = {'c'};
    private static final byte[] D = {'d'};
    private static final byte[] MESSAGE = {'m'};
    private static final byte[] JOIN = {'j'};
    private static final long MAX_PUBLISH_BYTES = 8L << 20;

    private enum Role { OPENING, OWNER, FOLLOWER, CLOSED }

    private record Member(byte[] join, byte[] leave) {
    }

    private record Input(char kind, String client, byte[] data) {
    }

    private record Pending(String client, byte[] join, byte[] leave, int max, CompletableFuture<Admission> result) {
    }

    private final RoomBus bus;
    private final String name;
    private final RoomKeys keys;
    private final int historySize;
    private final RoomEvents events;
    private final String producerSuffix;
    private boolean shut;

    // Bus thread only.
    private Role role = Role.OPENING;
    private String token;
    private String outCursor = "0-0";
    private String inCursor = "0-0";
    private boolean catchingUp;
    private boolean outPaused;
    private final ArrayDeque<Map<byte[], byte[]>> heldOut = new ArrayDeque<>();
    private boolean acquiring;
    private boolean renewing;
    private final Map<String, Member> members = new LinkedHashMap<>();
    private final List<Pending> pendingAdmissions = new ArrayList<>();
    private final ArrayDeque<Input> heldInput = new ArrayDeque<>();
    private final Set<String> known = new HashSet<>();
    private final ArrayDeque<byte[]> publishQueue = new ArrayDeque<>();
    private long publishBytes;
    private boolean publishing;
    private long publishDropped;

    BusRoom(RoomBus bus, String name, RoomKeys keys, int historySize, RoomEvents events) {
        this.bus = bus;
        this.name = name;
        this.keys = keys;
        this.historySize = historySize;
        this.events = events;
        this.producerSuffix = ":" + bus.instanceId();
    }

    String name() {
        return name;
    }

    RoomKeys keys() {
        return keys;
    }

    // ---- the room layer's calls ----

    /**
     * A client of this instance wants to join: counted (and remembered, for a program that starts later) across
     * instances. {@code join} and {@code leave} are the program's stdin lines for its arrival and departure (empty
     * in plain mode); {@code maxClients} (0: no limit). Once it is in the room here, call {@link #joined}.
     */
    public CompletionStage<Admission> admit(String client, byte[] join, byte[] leave, int maxClients) {
        CompletableFuture<Admission> result = new CompletableFuture<>();
        bus.onLoop.execute(() -> admitNow(new Pending(client, join, leave, maxClients, result)));
        return result;
    }

    /**
     * An admitted client is in the room here now: the program hears of its join. (Separate from {@link #admit}
     * because the program's answer must not reach this instance before the room here counts the client in.)
     */
    public void joined(String client) {
        bus.onLoop.execute(() -> {
            Member m = members.get(client);
            if (m != null) {
                local(new Input('j', client, m.join()));
            }
        });
    }

    /** A message of a client of this instance, for the program's stdin (one line, or a chunk with --binary). */
    public void send(String client, byte[] data) {
        bus.onLoop.execute(() -> local(new Input('m', client, data)));
    }

    /** A client of this instance left. */
    public void leave(String client) {
        bus.onLoop.execute(() -> leaveNow(client));
    }

    /**
     * Owner only: the program printed {@code data}, which this instance has already delivered to its own clients;
     * the other instances get it through the out stream, and {@code history} keeps it for later joiners.
     */
    public void publish(byte[] data, boolean history) {
        bus.onLoop.execute(() -> queuePublish(history ? '1' : '0', data));
    }

    /** Owner only: the program ended; the other instances close their clients with this code and reason. */
    public void ended(int code, String reason) {
        bus.onLoop.execute(() -> {
            queuePublish('2', (code + " " + reason).getBytes(StandardCharsets.UTF_8));
            if (role == Role.OWNER) {
                // Nothing more goes to or comes from this program; close() still unregisters the members.
                String t = token;
                role = Role.CLOSED;
                flushPublish(() -> release(t, true));
            }
        });
    }

    /**
     * Stops delivering output from other instances (a client here is full and --slowclient=wait): the out stream
     * keeps it (up to its cap) until {@link #resumeOutput}.
     */
    public void pauseOutput() {
        bus.onLoop.execute(() -> outPaused = true);
    }

    public void resumeOutput() {
        bus.onLoop.execute(() -> {
            if (outPaused) {
                outPaused = false;
                // What the read in flight at the pause brought (at most one read's worth) goes first.
                while (!heldOut.isEmpty() && !outPaused) {
                    Map<byte[], byte[]> body = heldOut.poll();
                    deliverOut(body);
                }
                events.outputFlush();
                bus.wake();
            }
        });
    }

    /** Whether the program runs on this instance (for tests and logs; changes on the bus thread). */
    public CompletionStage<Boolean> isOwner() {
        return CompletableFuture.supplyAsync(() -> role == Role.OWNER, bus.onLoop);
    }

    /** This instance is done with the room (no clients left here, program ended or never ran here). */
    public void close() {
        bus.onLoop.execute(this::shutdown);
    }

    // ---- bus thread ----

    void open(boolean up) {
        if (!up) {
            closeUnavailable();
            return;
        }
        acquire(true);
    }

    private void closeUnavailable() {
        role = Role.CLOSED;
        for (Pending p : pendingAdmissions) {
            p.result().complete(Admission.UNAVAILABLE);
        }
        pendingAdmissions.clear();
        bus.forget(this);
    }

    private void acquire(boolean first) {
        acquiring = true;
        bus.scripts.<List<Object>>run(Script.ACQUIRE, keys, ScriptOutputType.MULTI, BusScripts.bytes(first ? "1" : "0"))
                .whenCompleteAsync((r, error) -> {
                    acquiring = false;
                    if (role == Role.CLOSED) {
                        if (error == null && ((Long) r.get(0)) == 1L) {
                            release(holderToken(r), false);
                        }
                        return;
                    }
                    if (error != null) {
                        if (role == Role.OPENING) {
                            closeUnavailable();
                        }
                        return;
                    }
                    if (first) {
                        outCursor = text(r.get(2));
                        events.history(listOfBytes(r.get(3)));
                    }
                    if ((Long) r.get(0) == 1L) {
                        becomeOwner(holderToken(r), pairs(r.get(4)), text(r.get(5)));
                    } else if (role == Role.OPENING) {
                        role = Role.FOLLOWER;
                        bus.log().info("Room {}: its program runs on instance {}", name, holderInstance(r));
                        bus.wake();
                    }
                    if (first) {
                        List<Pending> waiting = new ArrayList<>(pendingAdmissions);
                        pendingAdmissions.clear();
                        waiting.forEach(this::admitNow);
                    }
                }, bus.onLoop);
    }

    private void becomeOwner(String newToken, List<byte[][]> joins, String lastIn) {
        boolean tookOver = role == Role.FOLLOWER;
        role = Role.OWNER;
        token = newToken;
        known.clear();
        catchingUp = true;
        inCursor = "0-0";
        bus.log().info("Room {}: {}", name, tookOver ? "this instance took the program over (the old owner's lease"
                + " ran out); the program starts afresh, clients stay connected" : "its program runs on this instance");
        events.becameOwner();
        for (byte[][] j : joins) {
            deliver(new Input('j', new String(j[0], StandardCharsets.UTF_8), j[1]));
        }
        catchUp(lastIn);
    }

    /** Reads the in backlog up to {@code lastIn} (written before the lease was won), then lets local input through. */
    private void catchUp(String lastIn) {
        if (role != Role.OWNER) {
            return;
        }
        if (lastIn.equals("0-0") || compareIds(inCursor, lastIn) >= 0) {
            catchingUp = false;
            while (!heldInput.isEmpty() && role == Role.OWNER) {
                deliver(heldInput.poll());
            }
            consumed();
            bus.wake();
            return;
        }
        Range<String> range = Range.from(inCursor.equals("0-0") ? Range.Boundary.unbounded()
                : Range.Boundary.excluding(inCursor), Range.Boundary.including(lastIn));
        bus.redis.xrange(keys.in(), range, Limit.from(1000)).whenCompleteAsync((entries, error) -> {
            if (role != Role.OWNER) {
                return;
            }
            if (error != null || entries.isEmpty()) {
                inCursor = lastIn; // nothing more to read (or trimmed away): go live
            } else {
                for (StreamMessage<byte[], byte[]> m : entries) {
                    inCursor = m.getId();
                    deliverEntry(m.getBody());
                }
            }
            catchUp(lastIn);
        }, bus.onLoop);
    }

    private void admitNow(Pending p) {
        switch (role) {
            case OPENING -> pendingAdmissions.add(p);
            case CLOSED -> p.result().complete(Admission.UNAVAILABLE);
            case OWNER, FOLLOWER -> {
                if (!bus.up()) {
                    if (role == Role.OWNER && (p.max() <= 0 || known.size() < p.max())) {
                        members.put(p.client(), new Member(p.join(), p.leave()));
                        p.result().complete(Admission.ADMITTED);
                    } else {
                        p.result().complete(role == Role.OWNER ? Admission.FULL : Admission.UNAVAILABLE);
                    }
                    return;
                }
                bus.scripts.<Long>run(Script.ADMIT, keys, ScriptOutputType.INTEGER, BusScripts.bytes(p.client()),
                        p.join(), p.leave(), BusScripts.bytes(Integer.toString(Math.max(0, p.max()))))
                        .whenCompleteAsync((count, error) -> {
                            if (error != null) {
                                p.result().complete(Admission.UNAVAILABLE);
                            } else if (count == 0L) {
                                p.result().complete(Admission.FULL);
                            } else {
                                members.put(p.client(), new Member(p.join(), p.leave()));
                                p.result().complete(Admission.ADMITTED);
                            }
                        }, bus.onLoop);
            }
        }
    }

    private void leaveNow(String client) {
        Member m = members.remove(client);
        if (m == null) {
            return;
        }
        if (role == Role.OWNER) {
            local(new Input('l', client, m.leave()));
        }
        if (bus.up() && role != Role.OPENING) {
            bus.scripts.run(Script.LEAVE, keys, ScriptOutputType.INTEGER, BusScripts.bytes(client),
                    BusScripts.bytes(role == Role.FOLLOWER ? "1" : "0"));
        }
    }

    /** Input from a client of this instance. */
    private void local(Input in) {
        if (role == Role.OWNER) {
            if (catchingUp) {
                heldInput.add(in);
            } else {
                deliver(in);
            }
        } else if (role == Role.FOLLOWER && in.kind() != 'l') {
            if (bus.up()) {
                bus.redis.xadd(keys.in(), XAddArgs.Builder.maxlen(bus.settings().inCap()).approximateTrimming(),
                        T, in.kind() == 'j' ? JOIN : MESSAGE, C, BusScripts.bytes(in.client()), D, in.data());
            } else if (in.kind() == 'm') {
                bus.droppedWhileDown(1);
            } // a join waits for the resync when Redis is back
        }
    }

    /** Owner: one input for the program, through the known-clients filter. */
    private void deliver(Input in) {
        switch (in.kind()) {
            case 'j' -> {
                if (known.add(in.client()) && in.data().length > 0) {
                    events.input(in.data());
                }
            }
            case 'm' -> {
                if (known.contains(in.client())) {
                    events.input(in.data());
                }
            }
            case 'l' -> {
                if (known.remove(in.client())) {
                    if (in.data().length > 0) {
                        events.input(in.data());
                    }
                    if (known.isEmpty()) {
                        events.clusterEmpty();
                    }
                }
            }
            default -> {
            }
        }
    }

    private void deliverEntry(Map<byte[], byte[]> body) {
        byte[] t = RoomBus.field(body, 't');
        byte[] c = RoomBus.field(body, 'c');
        byte[] d = RoomBus.field(body, 'd');
        if (t == null || t.length != 1 || c == null) {
            return;
        }
        deliver(new Input((char) t[0], new String(c, StandardCharsets.UTF_8), d != null ? d : NONE));
    }

    void addOffsets(List<XReadArgs.StreamOffset<byte[]>> offsets) {
        if ((role == Role.OWNER || role == Role.FOLLOWER) && !outPaused) {
            offsets.add(XReadArgs.StreamOffset.from(keys.out(), outCursor));
        }
        if (role == Role.OWNER && !catchingUp) {
            offsets.add(XReadArgs.StreamOffset.from(keys.in(), inCursor));
        }
    }

    void onOut(String id, Map<byte[], byte[]> body) {
        if (compareIds(id, outCursor) <= 0) {
            return;
        }
        outCursor = id;
        if (outPaused) {
            heldOut.add(body);
            return;
        }
        deliverOut(body);
    }

    private void deliverOut(Map<byte[], byte[]> body) {
        byte[] producer = RoomBus.field(body, 'p');
        if (producer != null && new String(producer, StandardCharsets.UTF_8).endsWith(producerSuffix)) {
            return; // our own program's output: our clients had it directly
        }
        byte[] f = RoomBus.field(body, 'f');
        byte[] d = RoomBus.field(body, 'd');
        if (f == null || f.length != 1 || d == null) {
            return;
        }
        if (f[0] == '2') {
            String s = new String(d, StandardCharsets.UTF_8);
            int space = s.indexOf(' ');
            int code;
            try {
                code = Integer.parseInt(space < 0 ? s : s.substring(0, space));
            } catch (NumberFormatException e) {
                code = 1011;
            }
            events.ended(code, space < 0 ? "" : s.substring(space + 1));
        } else {
            events.output(d, f[0] == '1');
        }
    }

    void outputFlush() {
        events.outputFlush();
    }

    /** An in entry, for the owner; true when it was taken (so it can be trimmed away). */
    boolean onIn(String id, Map<byte[], byte[]> body) {
        if (role != Role.OWNER || catchingUp || compareIds(id, inCursor) <= 0) {
            return false;
        }
        inCursor = id;
        deliverEntry(body);
        return true;
    }

    /** Owner: the in entries up to the cursor reached the program; drop them from Redis (fenced). */
    void consumed() {
        if (role != Role.OWNER || !bus.up() || inCursor.equals("0-0")) {
            return;
        }
        bus.scripts.<Long>run(Script.CONSUMED, keys, ScriptOutputType.INTEGER, BusScripts.bytes(token),
                BusScripts.bytes(nextId(inCursor))).whenCompleteAsync(this::fenceResult, bus.onLoop);
    }

    private void queuePublish(char flag, byte[] data) {
        if (role != Role.OWNER) {
            return;
        }
        if (!bus.up()) {
            publishDropped++;
            return;
        }
        while (publishBytes + data.length > MAX_PUBLISH_BYTES && !publishQueue.isEmpty()) {
            publishQueue.poll();
            publishBytes -= publishQueue.poll().length;
            publishDropped++;
        }
        publishQueue.add(new byte[] {(byte) flag});
        publishQueue.add(data);
        publishBytes += data.length;
        flushPublish(null);
    }

    /** One publish script in flight at a time; what is queued meanwhile goes in the next, in order. */
    private void flushPublish(Runnable then) {
        if (publishing) {
            if (then != null) {
                bus.onLoop.execute(() -> flushPublish(then));
            }
            return;
        }
        if (publishQueue.isEmpty() || token == null) {
            if (then != null) {
                then.run();
            }
            return;
        }
        byte[][] args = new byte[3 + publishQueue.size()][];
        args[0] = BusScripts.bytes(token);
        args[1] = BusScripts.bytes(Long.toString(bus.settings().outCap()));
        args[2] = BusScripts.bytes(Integer.toString(historySize));
        int i = 3;
        while (!publishQueue.isEmpty()) {
            args[i++] = publishQueue.poll();
        }
        publishBytes = 0;
        publishing = true;
        bus.scripts.<Long>run(Script.PUBLISH, keys, ScriptOutputType.INTEGER, args)
                .whenCompleteAsync((r, error) -> {
                    publishing = false;
                    fenceResult(r, error);
                    if (!publishQueue.isEmpty() || then != null) {
                        flushPublish(then);
                    }
                }, bus.onLoop);
    }

    private void fenceResult(Long r, Throwable error) {
        if (error == null && r == 0L && role == Role.OWNER) {
            lose();
        }
    }

    void tick() {
        if (role == Role.OWNER && !renewing) {
            renewing = true;
            String t = token;
            bus.scripts.<Long>run(Script.RENEW, keys, ScriptOutputType.INTEGER, BusScripts.bytes(t))
                    .whenCompleteAsync((r, error) -> {
                        renewing = false;
                        if (t.equals(token)) {
                            fenceResult(r, error);
                        }
                    }, bus.onLoop);
        } else if (role == Role.FOLLOWER && !acquiring && bus.mayAcquire()) {
            acquire(false);
        }
    }

    /** Fenced off: another instance runs the program now. Ours stops; our clients' input goes to the new owner. */
    private void lose() {
        role = Role.FOLLOWER;
        token = null;
        known.clear();
        publishQueue.clear();
        publishBytes = 0;
        bus.log().info("Room {}: another instance runs the program now; stopping the one here, clients stay", name);
        events.ownershipLost();
        resync();
        List<Input> held = new ArrayList<>(heldInput);
        heldInput.clear();
        catchingUp = false;
        held.forEach(this::local);
        bus.wake();
    }

    /** Re-registers this instance's members (after Redis was away, lost its data, or purged us). */
    void resync() {
        if (!bus.up() || role == Role.CLOSED || role == Role.OPENING) {
            return;
        }
        byte[][] args = new byte[members.size() * 3][];
        int i = 0;
        for (Map.Entry<String, Member> e : members.entrySet()) {
            args[i++] = BusScripts.bytes(e.getKey());
            args[i++] = e.getValue().join();
            args[i++] = e.getValue().leave();
        }
        bus.scripts.run(Script.RESYNC, keys, ScriptOutputType.INTEGER, args);
    }

    void down() {
        publishDropped += publishQueue.size() / 2;
        publishQueue.clear();
        publishBytes = 0;
    }

    void reconnected() {
        if (role == Role.OWNER) {
            renewing = false;
            tick(); // takes the lease back if nobody else did, else steps down
        }
        resync();
        if (publishDropped > 0) {
            bus.log().info("Room {}: {} outputs could not reach the other instances while Redis was away", name,
                    publishDropped);
            publishDropped = 0;
        }
    }

    /** Leaves the room: members removed, the lease (if ours) released. */
    CompletableFuture<?> shutdown() {
        if (shut) {
            return CompletableFuture.completedFuture(null);
        }
        shut = true;
        Role was = role;
        String t = token;
        role = Role.CLOSED;
        for (Pending p : pendingAdmissions) {
            p.result().complete(Admission.UNAVAILABLE);
        }
        pendingAdmissions.clear();
        CompletableFuture<?> done = CompletableFuture.completedFuture(null);
        if (bus.up()) {
            List<CompletableFuture<?>> all = new ArrayList<>();
            for (String client : members.keySet()) {
                all.add(bus.scripts.run(Script.LEAVE, keys, ScriptOutputType.INTEGER, BusScripts.bytes(client),
                        BusScripts.bytes(was == Role.FOLLOWER ? "1" : "0")).toCompletableFuture());
            }
            if (was == Role.OWNER) {
                all.add(release(t, false));
            }
            done = CompletableFuture.allOf(all.toArray(new CompletableFuture[0]));
        }
        members.clear();
        bus.forget(this);
        return done;
    }

    private CompletableFuture<?> release(String t, boolean roomOver) {
        if (t == null || !bus.up()) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Object> done = bus.scripts.run(Script.RELEASE, keys, ScriptOutputType.INTEGER,
                BusScripts.bytes(t), BusScripts.bytes(roomOver ? "1" : "0")).toCompletableFuture();
        // A new presence of the same room here (clients came while this one ended) found the lease still ours:
        // it need not wait for its next tick.
        done.whenCompleteAsync((r, e) -> bus.leaseReleased(name), bus.onLoop);
        return done;
    }

    /** This instance released the room's lease (an earlier presence of the room here ended): try to take it. */
    void retryAcquire() {
        if (role == Role.FOLLOWER && !acquiring) {
            acquire(false);
        }
    }

    // ---- helpers ----

    private static String holderToken(List<Object> r) {
        String h = text(r.get(1));
        return h.substring(0, h.indexOf(':'));
    }

    private static String holderInstance(List<Object> r) {
        String h = text(r.get(1));
        return h.substring(h.indexOf(':') + 1);
    }

    private static String text(Object o) {
        return o instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(o);
    }

    private static List<byte[]> listOfBytes(Object o) {
        List<byte[]> out = new ArrayList<>();
        if (o instanceof List<?> l) {
            for (Object e : l) {
                out.add((byte[]) e);
            }
        }
        return out;
    }

    private static List<byte[][]> pairs(Object o) {
        List<byte[][]> out = new ArrayList<>();
        if (o instanceof List<?> l) {
            for (int i = 0; i + 1 < l.size(); i += 2) {
                out.add(new byte[][] {(byte[]) l.get(i), (byte[]) l.get(i + 1)});
            }
        }
        return out;
    }

    /** Orders stream ids "MS-SEQ". */
    static int compareIds(String a, String b) {
        int da = a.indexOf('-');
        int db = b.indexOf('-');
        int c = Long.compare(Long.parseLong(a.substring(0, da)), Long.parseLong(b.substring(0, db)));
        return c != 0 ? c : Long.compare(Long.parseLong(a.substring(da + 1)), Long.parseLong(b.substring(db + 1)));
    }

    /** The smallest stream id after {@code id}. */
    static String nextId(String id) {
        int d = id.indexOf('-');
        return id.substring(0, d + 1) + (Long.parseLong(id.substring(d + 1)) + 1);
    }
}
