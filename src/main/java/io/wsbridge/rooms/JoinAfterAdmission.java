package io.wsbridge.rooms;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.ScheduledFuture;
import io.wsbridge.http.Refusal;
import io.wsbridge.logging.LogScope;
import io.wsbridge.roombus.Admission;
import io.wsbridge.session.ClientEndpoint;
import io.wsbridge.session.ClientEvents;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * With --roombus, a client whose upgrade was accepted here and whose admission the cluster is deciding (a round
 * trip to Redis: --roommaxclients counts across the instances). Nothing waits on the event loop: the answer comes
 * on the bus's thread and is handed to the client's loop, where everything here happens. Meanwhile the client has
 * no 101 and its socket is not read (the pending upgrade holds it). Admitted: it joins the room, which lets it in.
 * Full: 429; Redis out of reach, or no answer within the deadline: 503.
 *
 * <p>The room's reservation for the client is given back exactly once, whichever comes first: a refusal, the
 * client leaving, the server stopping (both reach here as {@link #clientClosed}); once the client is in the room,
 * the room gives it back when the client leaves. An admission that arrives after the client left or was refused
 * still counts it in the cluster, so it is counted out again.
 */
final class JoinAfterAdmission implements ClientEvents {
    /** What the wait ends in; each is called at most once, on the client's loop. */
    interface Outcome {
        /** Admitted: the client joins the room (which lets it in); its events go there from now on. */
        ClientEvents join();

        /** Refused, or gone before the answer: the room's reservation for it goes. */
        void giveBack();

        /** Admitted after it had gone or been refused: the cluster counts it out. */
        void countOut();
    }

    private final ClientEndpoint client;
    private final String room;
    private final LogScope log;
    private final Outcome outcome;
    private ScheduledFuture<?> deadline;
    private ClientEvents member;
    /** Until the answer, the deadline or the client's end, whichever is first. */
    private boolean waiting = true;

    /**
     * Starts waiting for {@code admission} (call on the client's loop).
     *
     * @param log        the upgrade's ("http", with its URL): where a refusal is logged, as before any 101
     * @param deadlineMs how long an answer may take (Redis slow but connected) before the client gets 503
     */
    JoinAfterAdmission(ClientEndpoint client, String room, LogScope log, CompletionStage<Admission> admission,
                       long deadlineMs, Outcome outcome) {
        this.client = client;
        this.room = room;
        this.log = log;
        this.outcome = outcome;
        deadline = client.eventLoop().schedule(() -> answered(Admission.UNAVAILABLE), deadlineMs,
                TimeUnit.MILLISECONDS);
        // The answer is handed to the client's loop; if that loop is gone, the server is stopping and the bus with it.
        admission.whenCompleteAsync((a, error) -> answered(error == null ? a : Admission.UNAVAILABLE, true),
                client.eventLoop());
    }

    private void answered(Admission a) {
        answered(a, false);
    }

    /** @param fromBus the bus's own answer (not the deadline's): only that one can have counted the client in */
    private void answered(Admission a, boolean fromBus) {
        if (!waiting) {
            if (fromBus && a == Admission.ADMITTED) {
                outcome.countOut();
            }
            return;
        }
        waiting = false;
        deadline.cancel(false);
        if (a == Admission.ADMITTED) {
            member = outcome.join();
            return;
        }
        outcome.giveBack();
        if (a == Admission.FULL) {
            log.error("Room {} is full across the instances, upgrade rejected", room);
            client.refuse(new Refusal(429, "Too Many Requests: the room is full"));
        } else {
            log.error("Room {} runs on another instance and the room bus is out of reach, upgrade rejected", room);
            client.refuse(new Refusal(503, "Service Unavailable: the room bus is out of reach"));
        }
    }

    @Override
    public void clientMessage(ByteBuf data, boolean binary, boolean last) {
        if (member != null) {
            member.clientMessage(data, binary, last);
        } else {
            data.release(); // not let in: nothing is read before the 101
        }
    }

    @Override
    public void clientReadComplete() {
        if (member != null) {
            member.clientReadComplete();
        }
    }

    @Override
    public void clientWritable() {
        if (member != null) {
            member.clientWritable();
        }
    }

    @Override
    public void clientClosed(int code, String reason) {
        if (member != null) {
            member.clientClosed(code, reason);
        } else if (waiting) {
            waiting = false;
            deadline.cancel(false);
            outcome.giveBack();
        }
    }
}
