package io.wsbridge.process.epoll;

import io.netty.channel.IoEventLoop;
import io.netty.channel.IoHandle;
import io.netty.channel.IoRegistration;
import io.netty.channel.unix.FileDescriptor;
import io.netty.util.concurrent.Future;
import java.io.IOException;

/** Registering raw descriptors (the pipes to a child) with a Netty epoll event loop, and undoing it safely. */
final class Registrations {
    private Registrations() {
    }

    /** Registers on the loop; must run on that loop, where registration completes at once. */
    static IoRegistration register(IoEventLoop loop, IoHandle handle) throws IOException {
        Future<IoRegistration> f = loop.register(handle);
        if (!f.isDone()) {
            throw new IllegalStateException("register must be called on the event loop");
        }
        if (!f.isSuccess()) {
            throw new IOException("cannot watch descriptor: " + f.cause(), f.cause());
        }
        return f.getNow();
    }

    /**
     * Removes the descriptor from epoll before closing it: once closed its number can be handed to a new
     * socket at once, and a late cancel would then remove the wrong registration.
     */
    static void cancelAndClose(IoRegistration registration, FileDescriptor fd) {
        if (registration != null) {
            registration.cancel();
        }
        try {
            fd.close();
        } catch (IOException ignored) {
            // closing a pipe end cannot fail in a way we could act on
        }
    }
}
