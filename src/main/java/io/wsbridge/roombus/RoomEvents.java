package io.wsbridge.roombus;

import java.util.List;

/**
 * What the bus tells one room on this instance. Called on the bus's own thread, in order, never two at once for
 * one room, so an implementation hands each call on to the room's event loop and returns at once.
 */
public interface RoomEvents {
    /** Once, before anything else: the room's last broadcasts kept in Redis (oldest first), for joiners here. */
    void history(List<byte[]> lastBroadcasts);

    /**
     * This instance runs the room's program now (first in the cluster, or taking over from an owner that died).
     * Start it; its stdin input follows through {@link #input}, beginning with the joins of the clients already
     * in the room on any instance.
     */
    void becameOwner();

    /** Another instance runs the program now (this one was cut off or paused past its lease): stop ours. */
    void ownershipLost();

    /** Owner only: one unit for the program's stdin (a join, message or leave, from any instance). */
    void input(byte[] data);

    /** Owner only: no client is left in the room on any instance (the room may linger, then end the program). */
    void clusterEmpty();

    /** Output the program printed on another instance, for this instance's clients; {@code history} if kept. */
    void output(byte[] data, boolean history);

    /** The end of a batch of {@link #output} calls (one read from Redis): a good moment to flush. */
    void outputFlush();

    /** The program ended on another instance ({@code code} and {@code reason} of the close its clients got). */
    void ended(int code, String reason);
}
