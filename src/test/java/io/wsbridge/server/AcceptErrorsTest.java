package io.wsbridge.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The cap on accepted sockets: the listener stops accepting at the budget + OVER_BUDGET and resumes on a close. */
class AcceptErrorsTest {
    @Test
    void theListenerWaitsWhileTheBudgetAndItsOverflowAreOpen() {
        AcceptErrors accepting = new AcceptErrors(2);
        EmbeddedChannel listener = new EmbeddedChannel(accepting);
        List<EmbeddedChannel> accepted = new ArrayList<>();
        for (int i = 0; i < 2 + AcceptErrors.OVER_BUDGET - 1; i++) {
            accepted.add(accept(listener));
            assertThat(listener.config().isAutoRead()).as("after %d accepted", i + 1).isTrue();
        }
        accepted.add(accept(listener));
        assertThat(listener.config().isAutoRead()).as("full: accepting waits").isFalse();

        accepted.remove(0).close();
        assertThat(listener.config().isAutoRead()).as("one closed: accepting again").isTrue();
        accepted.add(accept(listener));
        assertThat(listener.config().isAutoRead()).isFalse();
        accepted.forEach(EmbeddedChannel::close);
        assertThat(listener.config().isAutoRead()).isTrue();
    }

    @Test
    void withoutABudgetNothingIsCounted() {
        EmbeddedChannel listener = new EmbeddedChannel(new AcceptErrors(0));
        for (int i = 0; i < 100; i++) {
            accept(listener);
        }
        assertThat(listener.config().isAutoRead()).isTrue();
    }

    private static EmbeddedChannel accept(EmbeddedChannel listener) {
        EmbeddedChannel child = new EmbeddedChannel();
        listener.writeInbound(child);
        assertThat((Object) listener.readInbound()).isSameAs(child); // passed on to Netty's acceptor
        return child;
    }
}
