package io.wsbridge.session;

import io.netty.buffer.ByteBuf;
import java.util.ArrayDeque;
import java.util.function.Function;

/**
 * A session whose program can only start once REMOTE_HOST is known (--reverselookup). The client is let in
 * (101) by the real session, once its program runs; meanwhile the client's socket is not read, and anything
 * already read is kept in order, then handed to the real session when it starts. A client that leaves during the
 * lookup gives its fork slot back at once, and no program is started for it.
 */
final class StartAfterLookup implements ClientEvents {
    private record Chunk(ByteBuf data, boolean binary, boolean last) {
    }

    private final ClientEndpoint client;
    private final Runnable abandon;
    private final ArrayDeque<Chunk> early = new ArrayDeque<>();
    private ClientEvents started;
    private boolean closed;

    /**
     * @param start   starts the real session with the REMOTE_HOST value
     * @param abandon gives back what was reserved for the session (the fork slot)
     */
    StartAfterLookup(ClientEndpoint client, ReverseLookup lookup, String address, Function<String, ClientEvents> start,
                     Runnable abandon) {
        this.client = client;
        this.abandon = abandon;
        client.pauseReading();
        lookup.resolve(address, client.eventLoop(), host -> resolved(host, start));
    }

    private void resolved(String host, Function<String, ClientEvents> start) {
        if (closed) {
            return;
        }
        started = start.apply(host);
        // Reading resumes first: the session may pause it again while taking the early messages.
        client.resumeReading();
        while (!early.isEmpty()) {
            Chunk c = early.poll();
            started.clientMessage(c.data(), c.binary(), c.last());
        }
        started.clientReadComplete();
    }

    @Override
    public void clientMessage(ByteBuf data, boolean binary, boolean last) {
        if (started != null) {
            started.clientMessage(data, binary, last);
        } else if (closed) {
            data.release();
        } else {
            early.add(new Chunk(data, binary, last));
        }
    }

    @Override
    public void clientReadComplete() {
        if (started != null) {
            started.clientReadComplete();
        }
    }

    @Override
    public void clientWritable() {
        if (started != null) {
            started.clientWritable();
        }
    }

    @Override
    public void clientClosed(int code, String reason) {
        if (started != null) {
            started.clientClosed(code, reason);
            return;
        }
        if (!closed) {
            closed = true;
            while (!early.isEmpty()) {
                early.poll().data().release();
            }
            abandon.run();
        }
    }
}
