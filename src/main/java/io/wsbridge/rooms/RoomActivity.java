package io.wsbridge.rooms;

/**
 * What the rooms tell an observer (--metrics) as it happens. Owned here, so that the rooms know nothing of who
 * listens (the metrics package implements it; this package imports nothing of it). Called on the rooms' event
 * loops, concurrently: an implementation must be thread-safe and must not block. How many rooms are open and how
 * many clients each has is not pushed but asked for ({@link ProcessPerRoom#clientsPerRoom()}), at scrape time.
 */
public interface RoomActivity {
    /** Nobody listens. */
    RoomActivity NONE = new RoomActivity() {
    };

    /**
     * Messages of a room's program went out to the room's clients on this instance: counted once per message,
     * whatever the number of clients (with --roomjson, lines addressed to some clients count too).
     */
    default void messagesSent(int messages) {
    }

    /** A client could not keep up and was closed with 1008 "too slow" (--slowclient=close, or a drop impossible). */
    default void slowClientClosed() {
    }

    /** Messages a slow client will never get (--slowclient=drop). */
    default void messagesDropped(long messages) {
    }

    /** A room stopped reading its program's output until a slow client caught up (--slowclient=wait). */
    default void outputPaused() {
    }
}
