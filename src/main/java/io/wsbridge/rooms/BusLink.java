package io.wsbridge.rooms;

import io.netty.buffer.ByteBuf;
import io.wsbridge.roombus.Admission;
import io.wsbridge.roombus.BusRoom;
import io.wsbridge.roombus.RoomBus;
import io.wsbridge.roombus.RoomEvents;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * A room's link to the same room on the other instances (--roombus). Only made when the bus is on, so the bus's
 * classes stay unloaded otherwise. The bus's calls come on its own thread and are handed on to the room's event
 * loop in order; those that come before the room has a loop (its first client is still being admitted) wait.
 *
 * <p>What crosses: every stdout message of the program, whole, as it was printed (first byte 't' or 'b' for
 * text or binary), so that the other instances route it exactly as the owner does; and every client's
 * join, message and leave, as the program's stdin takes them.
 */
final class BusLink implements RoomEvents {
    private final Room room;
    private final BusRoom bus;
    /** As owner: the stdout message being put together for the other instances (room loop only). */
    private ByteArrayOutputStream outgoing;
    private final List<Runnable> early = new ArrayList<>(); // guarded by this
    private boolean attached; // guarded by this

    BusLink(RoomBus roomBus, Room room, int history) {
        this.room = room;
        this.bus = roomBus.open(room.key, history, this);
    }

    /**
     * Asks the cluster to let a client in (its count, --roommaxclients, is across instances). The answer comes on
     * the bus's thread after a round trip to Redis (at once when Redis is out of reach); the refusal must come
     * before any 101, so the client waits for it, off the event loop ({@link JoinAfterAdmission}).
     */
    CompletionStage<Admission> admit(String client, String join, String leave, int maxClients) {
        return bus.admit(client, utf8(join), utf8(leave), maxClients);
    }

    /** --slowclient=wait: stop reading the program's output from Redis until {@link #resumeOutput}. */
    void pauseOutput() {
        bus.pauseOutput();
    }

    void resumeOutput() {
        bus.resumeOutput();
    }

    void joined(String client) {
        bus.joined(client);
    }

    void send(String client, byte[] data) {
        bus.send(client, data);
    }

    void leave(String client) {
        bus.leave(client);
    }

    /**
     * Owner: a piece of what the program printed (the room delivers it here itself): each message, put
     * together, goes to the other instances as printed; a broadcast is kept in the history too.
     */
    void forward(ByteBuf payload, boolean binary, boolean first, boolean last, boolean json, boolean history) {
        if (first || outgoing == null) {
            outgoing = new ByteArrayOutputStream(Math.max(32, payload.readableBytes()));
        }
        byte[] bytes = new byte[payload.readableBytes()];
        payload.getBytes(payload.readerIndex(), bytes);
        outgoing.writeBytes(bytes);
        if (last) {
            byte[] message = outgoing.toByteArray();
            outgoing = null;
            boolean broadcast = binary || !json || broadcastLine(message);
            publish(message, binary, broadcast && history);
        }
    }

    /** The program on this instance was stopped (another runs the room now): a message half put together goes. */
    void dropForward() {
        outgoing = null;
    }

    private static boolean broadcastLine(byte[] line) {
        if (line.length == 0 || line[0] != '{') {
            return true;
        }
        RoomJson.Route route = RoomJson.route(new String(line, StandardCharsets.UTF_8));
        return route == null || route instanceof RoomJson.Broadcast;
    }

    private void publish(byte[] message, boolean binary, boolean history) {
        byte[] tagged = new byte[message.length + 1];
        tagged[0] = (byte) (binary ? 'b' : 't');
        System.arraycopy(message, 0, tagged, 1, message.length);
        bus.publish(tagged, history);
    }

    /** Owner: the program ended; the other instances close their clients the same way. */
    void programEnded(int code, String reason) {
        bus.ended(code, reason);
    }

    void close() {
        bus.close();
    }

    /** The room has its event loop now: what the bus said so far goes there, in order, and so does the rest. */
    void attach() {
        synchronized (this) {
            attached = true;
            early.forEach(room::execute);
            early.clear();
        }
    }

    private void onRoom(Runnable task) {
        synchronized (this) {
            if (!attached) {
                early.add(task);
                return;
            }
            room.execute(task);
        }
    }

    // ---- what the bus says, on the room's loop ----

    @Override
    public void history(List<byte[]> lastBroadcasts) {
        onRoom(() -> {
            lastBroadcasts.forEach(room::fromBus);
            room.outputFlush();
        });
    }

    @Override
    public void becameOwner() {
        onRoom(room::busOwner);
    }

    @Override
    public void ownershipLost() {
        onRoom(room::busStepDown);
    }

    @Override
    public void input(byte[] data) {
        onRoom(() -> room.busInput(data));
    }

    @Override
    public void clusterEmpty() {
        onRoom(room::busEmpty);
    }

    @Override
    public void output(byte[] data, boolean history) {
        onRoom(() -> room.fromBus(data));
    }

    @Override
    public void outputFlush() {
        onRoom(room::outputFlush);
    }

    @Override
    public void ended(int code, String reason) {
        onRoom(() -> room.busEnded(code, reason));
    }

    private static byte[] utf8(String s) {
        return s == null ? new byte[0] : s.getBytes(StandardCharsets.UTF_8);
    }
}
