package io.wsbridge.rooms;

import io.netty.buffer.ByteBufAllocator;
import io.wsbridge.cli.Config;
import io.wsbridge.http.CgiEnvironment;
import io.wsbridge.http.Refusal;
import io.wsbridge.http.RequestInfo;
import io.wsbridge.logging.LogScope;
import io.wsbridge.process.ForkLimiter;
import io.wsbridge.process.LaunchSpec;
import io.wsbridge.process.ProcessLauncher;
import io.wsbridge.session.ChildProgram;
import io.wsbridge.session.ClientEndpoint;
import io.wsbridge.session.ClientEvents;
import io.wsbridge.session.LaunchTarget;
import io.wsbridge.session.SessionStrategy;
import io.wsbridge.session.TargetResolver;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import io.wsbridge.roombus.RoomBus;
import java.util.concurrent.atomic.AtomicLong;

/**
 * --rooms, the second session strategy: one program per room (the URL path, without the query; under --dir
 * the script's path plus PATH_INFO), shared by every client of that room. The program starts with the first
 * client and counts against --maxforks as one; a full room (--roommaxclients) refuses with 429 before any 101.
 * The rooms are kept here; joining, leaving and retiring a room take one lock, so a client that comes while
 * the last one leaves either keeps the room's program or starts a new one, never one that is ending.
 */
public final class ProcessPerRoom implements SessionStrategy {
    private final TargetResolver targets;
    private final ProcessLauncher launcher;
    private final CgiEnvironment environment;
    private final ForkLimiter forks;
    private final ChildProgram.Settings program;
    private final Config.Rooms settings;
    private final ByteBufAllocator alloc;
    private final Map<String, Room> rooms = new HashMap<>(); // guarded by itself
    /** With the bus: how long the cluster may take to admit a client before it gets 503 (Redis slow). */
    private static final long ADMIT_DEADLINE_MS = 5000;
    private final AtomicLong ids = new AtomicLong();
    private volatile boolean shuttingDown;
    /** --roombus, or null: the rooms are shared with the other instances on the same Redis. */
    private final RoomBus bus;
    /** Who is told what happens in the rooms (--metrics), or nobody. */
    private final RoomActivity activity;

    /** Rooms on this instance alone. */
    public ProcessPerRoom(TargetResolver targets, ProcessLauncher launcher, CgiEnvironment environment,
                          ForkLimiter forks, ChildProgram.Settings program, Config.Rooms settings,
                          ByteBufAllocator alloc) {
        this(targets, launcher, environment, forks, program, settings, alloc, null);
    }

    /** {@code bus}: --roombus, or null. */
    public ProcessPerRoom(TargetResolver targets, ProcessLauncher launcher, CgiEnvironment environment,
                          ForkLimiter forks, ChildProgram.Settings program, Config.Rooms settings,
                          ByteBufAllocator alloc, RoomBus bus) {
        this(targets, launcher, environment, forks, program, settings, alloc, bus, RoomActivity.NONE);
    }

    /** {@code bus}: --roombus, or null; {@code activity}: told what happens in the rooms (--metrics). */
    public ProcessPerRoom(TargetResolver targets, ProcessLauncher launcher, CgiEnvironment environment,
                          ForkLimiter forks, ChildProgram.Settings program, Config.Rooms settings,
                          ByteBufAllocator alloc, RoomBus bus, RoomActivity activity) {
        this.bus = bus;
        this.activity = activity;
        this.targets = targets;
        this.launcher = launcher;
        this.environment = environment;
        this.forks = forks;
        this.program = program;
        this.settings = settings;
        this.alloc = alloc;
    }

    /** The room a target belongs to: its URL path without the query. */
    static String roomOf(LaunchTarget target) {
        return "/".equals(target.scriptName()) ? target.pathInfo() : target.scriptName() + target.pathInfo();
    }

    @Override
    public PreparedSession prepare(RequestInfo request, String subprotocol) throws Refusal {
        LaunchTarget target = targets.resolve(request);
        Room room = reserve(roomOf(target), request, target);
        // Ids are unique per server run; with the bus, across the instances too (each has its own prefix).
        String id = (bus == null ? "c" : bus.instanceId() + "-") + Long.toString(ids.incrementAndGet(), 36);
        return new PreparedSession() {
            @Override
            public ClientEvents start(ClientEndpoint client) {
                if (room.link() == null) {
                    return room.start(client, request, id);
                }
                return admitThenJoin(room, id, request, client);
            }

            @Override
            public void abandon() {
                giveBack(room);
            }
        };
    }

    /**
     * With the bus: the client is counted across the instances (--roommaxclients) and its join goes to the program
     * wherever it runs, so it joins the room here only once the cluster admitted it. That answer is a Redis round
     * trip, waited for off the event loop (a slow Redis would stall every connection of the loop): the 101, or the
     * refusal (429 full, 503 Redis out of reach), follows it.
     */
    private ClientEvents admitThenJoin(Room room, String id, RequestInfo request, ClientEndpoint client) {
        String join = null;
        String leave = null;
        if (settings.json()) {
            join = "t" + RoomJson.join(id, request.remoteAddr(), request.rawQuery(), bus.instanceId());
            leave = "t" + RoomJson.leave(id, bus.instanceId());
        }
        BusLink link = room.link();
        return new JoinAfterAdmission(client, room.key, LogScope.of("http").with("url", request.url()),
                link.admit(id, join, leave, settings.maxClients()), ADMIT_DEADLINE_MS, new JoinAfterAdmission.Outcome() {
                    @Override
                    public ClientEvents join() {
                        return room.start(client, request, id);
                    }

                    @Override
                    public void giveBack() {
                        ProcessPerRoom.this.giveBack(room);
                    }

                    @Override
                    public void countOut() {
                        link.leave(id);
                    }
                });
    }

    /**
     * A reserved client will not be in the room after all (its upgrade did not happen, or the cluster refused it,
     * or it left while being admitted). If nobody else is in or coming: a room that never got a loop (nobody ever
     * joined) goes at once with its fork slot; one that did ends on its loop as when its last client leaves.
     */
    private void giveBack(Room room) {
        if (!release(room)) {
            return;
        }
        if (room.loop() != null) {
            room.execute(room::nobodyLeft);
        } else if (retireIfEmpty(room)) {
            giveBackSlot(); // its program was never started
            if (room.link() != null) {
                room.link().close();
            }
        }
    }

    private Room reserve(String key, RequestInfo request, LaunchTarget target) throws Refusal {
        synchronized (rooms) {
            Room room = rooms.get(key);
            if (room == null) {
                if (!forks.tryAcquire()) {
                    LogScope.of("http").with("url", request.url())
                            .error("Max of possible forks already active, upgrade rejected");
                    throw new Refusal(429, "Too Many Requests");
                }
                room = add(newRoom(key, request, target));
            } else if (settings.maxClients() > 0 && room.reservations >= settings.maxClients()) {
                LogScope.of("http").with("url", request.url()).error("Room {} is full, upgrade rejected", key);
                throw new Refusal(429, "Too Many Requests: the room is full");
            }
            room.reservations++;
            return room;
        }
    }

    private Room newRoom(String key, RequestInfo first, LaunchTarget target) {
        LogScope log = LogScope.of("room").with("room", key).with("command", target.displayName());
        List<String> argv = new ArrayList<>(1 + target.args().size());
        argv.add(target.displayName());
        argv.addAll(target.args());
        List<String> env = environment.forRoom(first, target.scriptName(), target.pathInfo(), key, List.of());
        LaunchSpec spec = new LaunchSpec(target.executable(), argv, env);
        Room[] made = new Room[1];
        made[0] = new Room(key, this, settings, log, alloc, events -> ChildProgram.launch(spec,
                target.displayName(), program, launcher, forks, made[0].loop(), alloc, log, events));
        if (bus != null) {
            made[0].link(new BusLink(bus, made[0], settings.history()));
        }
        return made[0];
    }

    @Override
    public void shutdown() {
        shuttingDown = true;
        List<Room> all;
        synchronized (rooms) {
            all = new ArrayList<>(rooms.values());
        }
        for (Room room : all) {
            if (room.loop() != null) {
                room.execute(room::nobodyLeft); // a lingering room ends now; one with clients when they leave
            }
        }
    }

    /**
     * The rooms open on this instance, as the number of clients each has here: admitted (from the upgrade on)
     * and not gone yet; 0 for a room lingering (--roomlinger) or, with --roombus, running its program for
     * clients on other instances only. A snapshot taken under the rooms' lock, for metrics at scrape time (one
     * pass, no allocation per room: a few microseconds for thousands of rooms).
     */
    public int[] clientsPerRoom() {
        synchronized (rooms) {
            int[] counts = new int[rooms.size()];
            int i = 0;
            for (Room room : rooms.values()) {
                counts[i++] = Math.max(0, room.reservations);
            }
            return counts;
        }
    }

    RoomActivity activity() {
        return activity;
    }

    /** Whether rooms end with their last client whatever --roomlinger says. */
    boolean shuttingDown() {
        return shuttingDown;
    }

    /** Puts a new room in service. */
    Room add(Room room) {
        synchronized (rooms) {
            rooms.put(room.key, room);
            return room;
        }
    }

    /** A client of the room is gone, or will not come: true when nobody is left or coming. */
    boolean release(Room room) {
        synchronized (rooms) {
            room.reservations--;
            return room.reservations <= 0;
        }
    }

    /** Takes the room out of service if nobody is left or coming: true when it did. */
    boolean retireIfEmpty(Room room) {
        synchronized (rooms) {
            if (room.reservations <= 0 && rooms.get(room.key) == room) {
                rooms.remove(room.key);
                return true;
            }
            return false;
        }
    }

    /** Takes the room out of service (its program ended): the next client starts a new one. */
    void retire(Room room) {
        synchronized (rooms) {
            rooms.remove(room.key, room);
        }
    }

    /** A room that never started its program gives back the fork slot it reserved. */
    void giveBackSlot() {
        forks.release();
    }
}
