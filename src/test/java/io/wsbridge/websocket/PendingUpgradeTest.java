package io.wsbridge.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelInboundHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameEncoder;
import io.wsbridge.deflate.DeflateParameters;
import io.wsbridge.http.HttpRequestRouter;
import io.wsbridge.http.Refusal;
import io.wsbridge.http.RequestIds;
import io.wsbridge.http.RequestInfo;
import io.wsbridge.session.ClientEndpoint;
import io.wsbridge.session.ClientEvents;
import io.wsbridge.session.SessionStrategy;
import io.wsbridge.testing.RawWebSocket;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An accepted upgrade while its session starts, on an embedded channel with the server's layout: nothing is
 * answered until the session lets the client in (101, then what the client sent with its request) or refuses it
 * (503 with the reason, nothing of what it sent reaches anyone, held bytes freed); each order of events.
 */
class PendingUpgradeTest {
    private static final String REQUEST = "GET /x HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
            + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";

    /** A session strategy whose one session records what its client tells it. */
    private static final class Recorder implements SessionStrategy, ClientEvents {
        ClientEndpoint client;
        final List<String> messages = new ArrayList<>();
        String closed;
        boolean openAtStart;

        @Override
        public PreparedSession prepare(RequestInfo request, String subprotocol) {
            return new PreparedSession() {
                @Override
                public ClientEvents start(ClientEndpoint c) {
                    client = c;
                    if (openAtStart) {
                        c.open(); // a room whose program runs already, say
                    }
                    return Recorder.this;
                }

                @Override
                public void abandon() {
                }
            };
        }

        @Override
        public void clientMessage(ByteBuf data, boolean binary, boolean last) {
            messages.add(data.toString(StandardCharsets.UTF_8));
            data.release();
        }

        @Override
        public void clientReadComplete() {
        }

        @Override
        public void clientWritable() {
        }

        @Override
        public void clientClosed(int code, String reason) {
            closed = code + " " + reason;
        }
    }

    private final Recorder session = new Recorder();
    private final List<ByteBuf> sent = new ArrayList<>();
    private EmbeddedChannel ch;

    /** The layout of server.ServerInitializer, reduced to what an upgrade passes. */
    private void connect() {
        WebSocketUpgrade upgrade = new WebSocketUpgrade(session, new WebSocketUpgrade.PipelineSwitch() {
            @Override
            public void hold(ChannelPipeline p, ChannelInboundHandler pending, SessionBridge bridge) {
                p.addAfter("http-codec", "ws-pending", pending);
                p.addLast("ws-session", bridge);
                ((HttpServerCodec) p.get("http-codec")).removeInboundHandler();
            }

            @Override
            public void toWebSocket(ChannelPipeline p, CloseHandshake closing, DeflateParameters deflate) {
                p.addAfter("router", "ws-encoder", new WebSocket08FrameEncoder(false));
                p.addAfter("ws-encoder", "ws-decoder", new StreamingFrameDecoder());
                p.addAfter("ws-decoder", "ws-close", closing);
                p.remove("router");
                p.remove("http-codec");
            }
        });
        ch = new EmbeddedChannel();
        ch.pipeline().addLast("http-codec", new HttpServerCodec())
                .addLast("router", new HttpRequestRouter(upgrade, List.of(), new RequestIds(), false));
    }

    @AfterEach
    void releaseAll() {
        sent.forEach(ByteBuf::release);
        if (ch != null) {
            ch.finishAndReleaseAll();
        }
    }

    private static byte[] text(String s) {
        return RawWebSocket.frame(RawWebSocket.TEXT, true, s.getBytes(StandardCharsets.UTF_8), true, 0);
    }

    private ByteBuf requestWith(byte[]... frames) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.writeBytes(REQUEST.getBytes(StandardCharsets.ISO_8859_1));
        for (byte[] f : frames) {
            all.writeBytes(f);
        }
        ByteBuf b = Unpooled.wrappedBuffer(all.toByteArray());
        sent.add(b.retain()); // to check it was freed: the test holds one reference
        return b;
    }

    /** Everything written to the socket so far. */
    private String written() {
        StringBuilder out = new StringBuilder();
        for (Object o; (o = ch.readOutbound()) != null; ) {
            ByteBuf b = (ByteBuf) o;
            out.append(b.toString(StandardCharsets.ISO_8859_1));
            b.release();
        }
        return out.toString();
    }

    @Test
    void nothingIsAnsweredUntilTheSessionLetsTheClientIn() {
        connect();
        ch.writeInbound(requestWith(text("early one"), text("early two")));
        assertThat(written()).as("no 101 while the program starts").isEmpty();
        assertThat(session.messages).as("nothing reaches the session before the 101").isEmpty();
        assertThat(ch.config().isAutoRead()).as("reading paused meanwhile").isFalse();

        session.client.open();
        assertThat(written()).startsWith("HTTP/1.1 101 Switching Protocols\r\n")
                .contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
        assertThat(session.messages).containsExactly("early one", "early two");
        assertThat(ch.config().isAutoRead()).isTrue();
        assertThat(ch.pipeline().get("ws-pending")).isNull();
        assertThat(ch.pipeline().get("http-codec")).isNull();

        ch.writeInbound(Unpooled.wrappedBuffer(text("later")));
        assertThat(session.messages).containsExactly("early one", "early two", "later");
        session.client.open(); // idempotent
        assertThat(written()).isEmpty();
        assertThat(sent.get(0).refCnt()).as("only the test's reference is left").isEqualTo(1);
    }

    @Test
    void aSessionThatClosesBeforeLettingTheClientInRefusesWith503() {
        connect();
        ch.writeInbound(requestWith(text("never read")));
        session.client.close(1011, "cannot start program: Permission denied");

        String answer = written();
        assertThat(answer).startsWith("HTTP/1.1 503 Service Unavailable\r\n").contains("Connection: close\r\n")
                .endsWith("\r\n\r\n503 Service Unavailable: cannot start program: Permission denied\n")
                .doesNotContain("101");
        assertThat(session.messages).isEmpty();
        assertThat(ch.isOpen()).as("closed after the answer").isFalse();
        assertThat(session.closed).as("the session asked for it: not told back").isNull();
        assertThat(sent.get(0).refCnt()).as("held bytes freed").isEqualTo(1);
        session.client.open(); // too late: nothing happens
        assertThat(written()).isEmpty();
    }

    @Test
    void aSessionThatRefusesAfterAWaitAnswersWithTheRefusalsStatus() {
        connect();
        ch.writeInbound(requestWith(text("never read")));
        assertThat(written()).as("nothing while the session waits (a room's admission across instances)").isEmpty();
        session.client.refuse(new Refusal(429, "Too Many Requests: the room is full"));

        assertThat(written()).startsWith("HTTP/1.1 429 Too Many Requests\r\n").contains("Connection: close\r\n")
                .endsWith("\r\n\r\n429 Too Many Requests: the room is full\n");
        assertThat(ch.isOpen()).isFalse();
        assertThat(session.closed).as("the session refused it: not told back").isNull();
        assertThat(session.messages).isEmpty();
        assertThat(sent.get(0).refCnt()).as("held bytes freed").isEqualTo(1);
        session.client.refuse(new Refusal(503, "Service Unavailable: twice")); // decided already: nothing
        session.client.open();
        assertThat(written()).isEmpty();
    }

    @Test
    void aSessionThatLetsTheClientInWhileStartingIsServedOnceItExists() {
        session.openAtStart = true;
        connect();
        ch.writeInbound(requestWith(text("early")));
        assertThat(written()).startsWith("HTTP/1.1 101 ");
        assertThat(session.messages).containsExactly("early");
    }

    @Test
    void serverShutdownBeforeTheClientIsLetIn() {
        connect();
        ch.writeInbound(requestWith(text("early")));
        ch.pipeline().get(SessionBridge.class).shutdown();

        assertThat(written()).startsWith("HTTP/1.1 503 Service Unavailable\r\n")
                .endsWith("503 Service Unavailable: server shutting down\n");
        assertThat(session.closed).as("the session hears of it and ends its program")
                .isEqualTo("1001 server shutting down");
        assertThat(sent.get(0).refCnt()).isEqualTo(1);
    }

    @Test
    void aClientThatLeavesBeforeItIsLetIn() {
        connect();
        ch.writeInbound(requestWith(text("early")));
        ch.close();
        assertThat(session.closed).as("the session hears of it and ends its program").startsWith("1006");
        session.client.open(); // the program started after all: no 101 to a closed connection
        assertThat(written()).isEmpty();
        assertThat(session.messages).isEmpty();
        assertThat(sent.get(0).refCnt()).isEqualTo(1);
    }
}
