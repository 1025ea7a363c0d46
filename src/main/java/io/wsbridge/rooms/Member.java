package io.wsbridge.rooms;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.EventLoop;
import io.wsbridge.cli.Config;
import io.wsbridge.logging.LogScope;
import io.wsbridge.session.ClientEndpoint;
import io.wsbridge.session.ClientEvents;
import io.wsbridge.session.CloseCodes;
import java.util.ArrayDeque;

/**
 * One client of a room, on its own connection's event loop. Its messages go to the room whole (a message
 * that arrives in pieces is put together first, so messages of different clients never interleave on the
 * program's stdin). What the room sends it is written straight to its socket while the socket takes it, and
 * otherwise waits in a queue of at most --clientbuffer bytes; when that is full, --slowclient decides: close
 * it (1008 "too slow"), drop its oldest queued messages, or make the room wait for it.
 */
final class Member implements ClientEvents {
    /** A piece of what the room sent: frames (shared with the other clients) and how many messages end in it. */
    private record Pending(ByteBuf frames, int messages, boolean whole) {
    }

    final String id;
    final EventLoop loop;
    final String remote;
    final String query;
    private final ClientEndpoint client;
    private final Room room;
    private final LogScope log;
    private final long limit;
    private final Config.SlowClient policy;
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private long queuedBytes;
    private long dropped;
    private boolean unflushed;
    /** --slowclient=wait: the room was told this client is full. */
    private boolean full;
    /** The part of a client message that arrived so far. */
    private CompositeByteBuf partial;
    private boolean partialBinary;
    /** Joined while a long message was half sent: skip its rest. */
    boolean midMessage;
    private boolean closed;

    Member(String id, ClientEndpoint client, Room room, String remote, String query, LogScope log, long limit,
           Config.SlowClient policy) {
        this.id = id;
        this.client = client;
        this.loop = client.eventLoop();
        this.room = room;
        this.remote = remote;
        this.query = query;
        this.log = log;
        this.limit = limit;
        this.policy = policy;
    }

    /** The room's program runs: the client is let in (101); on its loop. */
    void open() {
        if (!closed) {
            client.open();
        }
    }

    // ---- client -> room ----

    @Override
    public void clientMessage(ByteBuf data, boolean binary, boolean last) {
        if (closed) {
            data.release();
            return;
        }
        if (partial == null && last) {
            room.execute(() -> room.fromClient(this, data, binary));
            return;
        }
        if (partial == null) {
            partial = client.alloc().compositeBuffer(Integer.MAX_VALUE);
            partialBinary = binary;
        }
        partial.addComponent(true, data);
        if (last) {
            ByteBuf whole = partial;
            boolean wholeBinary = partialBinary;
            partial = null;
            room.execute(() -> room.fromClient(this, whole, wholeBinary));
        }
    }

    @Override
    public void clientReadComplete() {
        // the room writes stdin as messages come
    }

    /** The program cannot take more: stop reading this client until it can. */
    void pauseReading() {
        loop.execute(() -> {
            if (!closed) {
                client.pauseReading();
            }
        });
    }

    void resumeReading() {
        loop.execute(() -> {
            if (!closed) {
                client.resumeReading();
            }
        });
    }

    // ---- room -> client ----

    /**
     * Frames for this client (ownership passes); on its loop.
     *
     * @param messages   how many messages end in them
     * @param freshStart where the first message that starts in them begins (-1: none does)
     * @param whole      whether they hold whole messages only (a dropped piece would break the stream)
     */
    void deliver(ByteBuf frames, int messages, int freshStart, boolean whole) {
        if (closed) {
            frames.release();
            return;
        }
        if (midMessage) {
            if (freshStart < 0) {
                frames.release();
                return;
            }
            midMessage = false;
            frames.skipBytes(freshStart);
        }
        if (queue.isEmpty() && client.isWritable()) {
            client.writeFrames(frames);
            unflushed = true;
            return;
        }
        long size = frames.readableBytes();
        if (queuedBytes + size > limit) {
            switch (policy) {
                case CLOSE -> {
                    frames.release();
                    tooSlow();
                    return;
                }
                case DROP -> {
                    if (!makeRoom(size, whole)) {
                        frames.release();
                        if (!closed) {
                            dropped += messages;
                            room.activity.messagesDropped(messages);
                        }
                        return;
                    }
                }
                case WAIT -> {
                    if (!full) {
                        full = true;
                        room.execute(() -> room.memberFull(this));
                    }
                }
            }
        }
        queue.add(new Pending(frames, messages, whole));
        queuedBytes += size;
    }

    /** --slowclient=drop: drops the oldest queued messages until {@code size} more fit; false when it cannot. */
    private boolean makeRoom(long size, boolean whole) {
        while (!queue.isEmpty() && queuedBytes + size > limit) {
            Pending oldest = queue.peek();
            if (!oldest.whole()) {
                tooSlow(); // part of a long message: dropping it would break the ones around it
                return false;
            }
            queue.poll();
            queuedBytes -= oldest.frames().readableBytes();
            dropped += oldest.messages();
            room.activity.messagesDropped(oldest.messages());
            oldest.frames().release();
        }
        return whole && queuedBytes + size <= limit;
    }

    /** The end of a delivery burst. */
    void flush() {
        if (unflushed) {
            unflushed = false;
            client.flush();
        }
    }

    @Override
    public void clientWritable() {
        if (closed) {
            return;
        }
        while (!queue.isEmpty() && client.isWritable()) {
            Pending p = queue.poll();
            queuedBytes -= p.frames().readableBytes();
            client.writeFrames(p.frames());
            unflushed = true;
        }
        flush();
        if (full && queuedBytes <= limit / 2) {
            full = false;
            room.execute(() -> room.memberHasRoom(this));
        }
    }

    private void tooSlow() {
        log.error("Client {} is too slow: more than {} bytes queued, closing it", id, limit);
        room.activity.slowClientClosed();
        close(CloseCodes.POLICY_VIOLATION, "too slow", true);
    }

    // ---- endings ----

    @Override
    public void clientClosed(int code, String reason) {
        leave();
    }

    /**
     * Closes the client from our side, after what is queued for it (the closing handshake's own deadline
     * bounds how long that may take).
     *
     * @param leave whether the room must still be told (not when the room itself is ending)
     */
    void close(int code, String reason, boolean leave) {
        if (closed) {
            return;
        }
        Pending p;
        while ((p = queue.poll()) != null) {
            client.writeFrames(p.frames());
        }
        queuedBytes = 0;
        client.close(code, reason);
        if (leave) {
            leave();
        } else {
            closed = true;
            freePartial();
            logLeave();
        }
    }

    private void leave() {
        if (closed) {
            return;
        }
        closed = true;
        Pending p;
        while ((p = queue.poll()) != null) {
            p.frames().release();
        }
        queuedBytes = 0;
        freePartial();
        logLeave();
        room.execute(() -> room.leave(this));
    }

    private void freePartial() {
        if (partial != null) {
            partial.release();
            partial = null;
        }
    }

    private void logLeave() {
        LogScope l = dropped > 0 ? log.with("dropped", dropped) : log;
        if (dropped > 0) {
            l.info("Client {} left; {} messages were dropped for it (--slowclient=drop)", id, dropped);
        }
        l.access("DISCONNECT");
    }
}
