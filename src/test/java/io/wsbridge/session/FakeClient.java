package io.wsbridge.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.EventLoop;
import io.wsbridge.http.Refusal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A WebSocket client as a session sees it: records what it is sent and how it is closed. */
final class FakeClient implements ClientEndpoint {
    private final EventLoop loop;
    final List<String> messages = new ArrayList<>();
    private final StringBuilder current = new StringBuilder();
    boolean writable = true;
    boolean readingPaused;
    int flushes;
    /** Times it was let in (101): once the program runs, never when it cannot start. */
    int opens;
    int closes;
    int closeCode = -1;
    String closeReason;

    FakeClient(EventLoop loop) {
        this.loop = loop;
    }

    @Override
    public void fragment(ByteBuf payload, boolean binary, boolean first, boolean last) {
        current.append(payload.toString(StandardCharsets.UTF_8));
        payload.release();
        if (last) {
            messages.add(current.toString());
            current.setLength(0);
        }
    }

    @Override
    public void writeFrames(ByteBuf frames) {
        frames.release();
        throw new UnsupportedOperationException("a session of its own sends messages, not frames");
    }

    @Override
    public EventLoop eventLoop() {
        return loop;
    }

    @Override
    public ByteBufAllocator alloc() {
        return UnpooledByteBufAllocator.DEFAULT;
    }

    @Override
    public void flush() {
        flushes++;
    }

    @Override
    public boolean isWritable() {
        return writable;
    }

    @Override
    public void pauseReading() {
        readingPaused = true;
    }

    @Override
    public void resumeReading() {
        readingPaused = false;
    }

    @Override
    public void open() {
        opens++;
    }

    @Override
    public void close(int code, String reason) {
        closes++;
        closeCode = code;
        closeReason = reason;
    }

    @Override
    public void refuse(Refusal refusal) {
        closes++;
        closeCode = refusal.status();
        closeReason = refusal.getMessage();
    }
}
