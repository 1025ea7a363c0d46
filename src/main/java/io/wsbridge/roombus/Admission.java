package io.wsbridge.roombus;

/** The answer to a client's wish to join a room. */
public enum Admission {
    /** Joined: counted cluster-wide, and the program hears of it. */
    ADMITTED,
    /** The room has its most clients across all instances (429). */
    FULL,
    /** Redis is out of reach and the room is not run here, so nobody can say (503). */
    UNAVAILABLE
}
