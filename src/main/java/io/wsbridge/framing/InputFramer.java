package io.wsbridge.framing;

import io.netty.buffer.ByteBuf;
import java.util.function.Consumer;

/** Turns client messages, as they arrive in pieces, into bytes for the program's stdin. */
public interface InputFramer {
    /** Whether messages of this type reach the program at all (line modes ignore binary ones, --binary text). */
    boolean accepts(boolean binary);

    /**
     * A piece of a client message of an accepted type (ownership of {@code data} passes); whatever is ready
     * for stdin goes to {@code stdin} (ownership passes), in order.
     */
    void frame(ByteBuf data, boolean binary, boolean last, Consumer<ByteBuf> stdin);

    /** Drops whatever is held back, without writing it. */
    void discard();
}
