package io.wsbridge.rooms;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * --roomhistory: copies of a room's last N broadcast messages, as encoded frames, for the clients that join
 * later. A message larger than a client's queue (--clientbuffer) is not kept. Used on the room's loop only.
 */
final class History {
    private final int size;
    private final long largest;
    private final ByteBufAllocator alloc;
    private final ArrayDeque<ByteBuf> messages = new ArrayDeque<>();
    /** The message being copied, frame by frame; null when none is (or it grew too large). */
    private CompositeByteBuf piece;

    History(int size, long largest, ByteBufAllocator alloc) {
        this.size = size;
        this.largest = largest;
        this.alloc = alloc;
    }

    boolean kept() {
        return size > 0;
    }

    /** A frame of a broadcast message was just encoded into {@code frames}, at [from, from + length). */
    void frame(ByteBuf frames, int from, int length, boolean first, boolean last) {
        if (first) {
            dropPiece();
            piece = alloc.compositeDirectBuffer(Integer.MAX_VALUE);
        }
        if (piece == null) {
            return; // began before it was kept, or too large
        }
        piece.addComponent(true, alloc.directBuffer(length).writeBytes(frames, from, length));
        if (piece.readableBytes() > largest) {
            dropPiece();
            return;
        }
        if (last) {
            messages.add(piece);
            piece = null;
            while (messages.size() > size) {
                messages.poll().release();
            }
        }
    }

    /** What a joining client gets first: duplicates of the kept messages, oldest first (the caller owns them). */
    List<ByteBuf> replay() {
        List<ByteBuf> copies = new ArrayList<>(messages.size());
        for (ByteBuf m : messages) {
            copies.add(m.retainedDuplicate());
        }
        return copies;
    }

    void release() {
        dropPiece();
        ByteBuf m;
        while ((m = messages.poll()) != null) {
            m.release();
        }
    }

    private void dropPiece() {
        if (piece != null) {
            piece.release();
            piece = null;
        }
    }
}
