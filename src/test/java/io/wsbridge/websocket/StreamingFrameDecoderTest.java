package io.wsbridge.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.wsbridge.testing.RawWebSocket;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StreamingFrameDecoderTest {
    private final EmbeddedChannel ch = new EmbeddedChannel(new StreamingFrameDecoder());

    private MessageChunk readChunk() {
        Object o = ch.readInbound();
        assertThat(o).isInstanceOf(MessageChunk.class);
        return (MessageChunk) o;
    }

    @Test
    void aFrameArrivingByteByByteComesOutAsItArrivesUnmasked() {
        byte[] payload = "hello, streaming world".getBytes(StandardCharsets.UTF_8);
        byte[] frame = RawWebSocket.frame(RawWebSocket.TEXT, true, payload, true, 0);
        StringBuilder got = new StringBuilder();
        boolean sawLast = false;
        for (byte b : frame) {
            ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
            Object o;
            while ((o = ch.readInbound()) != null) {
                MessageChunk c = (MessageChunk) o;
                assertThat(c.binary()).isFalse();
                got.append(c.content().toString(StandardCharsets.UTF_8));
                sawLast = c.last();
                c.release();
            }
        }
        assertThat(got.toString()).isEqualTo("hello, streaming world");
        assertThat(sawLast).isTrue();
    }

    @Test
    void largeFramesOfEveryLengthEncodingUnmaskCorrectlyAtAnyOffset() {
        unmasksAtAnyOffset(false);
    }

    /** Direct buffers are unmasked straight in memory, several words per turn (the socket's reads are direct). */
    @Test
    void largeFramesInDirectBuffersUnmaskCorrectlyAtAnyOffset() {
        unmasksAtAnyOffset(true);
    }

    private void unmasksAtAnyOffset(boolean direct) {
        Random r = new Random(1);
        for (int len : new int[] {0, 1, 7, 31, 33, 125, 126, 65535, 65536, 200_001}) {
            byte[] payload = new byte[len];
            r.nextBytes(payload);
            byte[] frame = RawWebSocket.frame(RawWebSocket.BINARY, true, payload, true, 0);
            java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
            int pos = 0;
            boolean last = false;
            while (pos < frame.length) { // odd-sized pieces so the mask offset moves around
                int n = Math.min(frame.length - pos, 1 + r.nextInt(9000));
                ch.writeInbound(direct ? Unpooled.directBuffer(n).writeBytes(frame, pos, n)
                        : Unpooled.wrappedBuffer(frame, pos, n));
                pos += n;
                Object o;
                while ((o = ch.readInbound()) != null) {
                    MessageChunk c = (MessageChunk) o;
                    assertThat(c.binary()).isTrue();
                    byte[] b = new byte[c.content().readableBytes()];
                    c.content().readBytes(b);
                    got.writeBytes(b);
                    last = c.last();
                    c.release();
                }
            }
            assertThat(got.toByteArray()).as("length %d", len).isEqualTo(payload);
            assertThat(last).isTrue();
        }
    }

    @Test
    void fragmentsKeepTheMessageTypeAndOnlyTheFinalOneIsLast() {
        ch.writeInbound(Unpooled.wrappedBuffer(RawWebSocket.frame(RawWebSocket.BINARY, false, new byte[] {1}, true, 0)));
        ch.writeInbound(Unpooled.wrappedBuffer(RawWebSocket.frame(RawWebSocket.PING, true, new byte[] {9}, true, 0)));
        ch.writeInbound(Unpooled.wrappedBuffer(RawWebSocket.frame(0, true, new byte[] {2}, true, 0)));
        MessageChunk first = readChunk();
        assertThat(first.binary()).isTrue();
        assertThat(first.last()).isFalse();
        first.release();
        PingWebSocketFrame ping = ch.readInbound();
        assertThat(ping.content().readByte()).isEqualTo((byte) 9);
        ping.release();
        MessageChunk second = readChunk();
        assertThat(second.binary()).isTrue();
        assertThat(second.last()).isTrue();
        second.release();
    }

    @Test
    void anEmptyMessageIsStillAMessage() {
        ch.writeInbound(Unpooled.wrappedBuffer(RawWebSocket.frame(RawWebSocket.TEXT, true, new byte[0], true, 0)));
        MessageChunk c = readChunk();
        assertThat(c.content().readableBytes()).isZero();
        assertThat(c.last()).isTrue();
        c.release();
    }

    @Test
    void closeFramesComeWhole() {
        byte[] payload = {0x03, (byte) 0xE8, 'b', 'y', 'e'};
        ch.writeInbound(Unpooled.wrappedBuffer(RawWebSocket.frame(RawWebSocket.CLOSE, true, payload, true, 0)));
        CloseWebSocketFrame close = ch.readInbound();
        assertThat(close.statusCode()).isEqualTo(1000);
        assertThat(close.reasonText()).isEqualTo("bye");
        close.release();
    }

    @Test
    void violationsCarryCloseCode1002AndLaterInputIsIgnored() {
        ByteBuf unmasked = Unpooled.wrappedBuffer(RawWebSocket.frame(RawWebSocket.TEXT, true, new byte[] {'a'}, false, 0));
        assertThatThrownBy(() -> ch.writeInbound(unmasked))
                .isInstanceOf(DecoderException.class)
                .cause().isInstanceOf(ProtocolViolation.class)
                .matches(e -> ((ProtocolViolation) e).code() == 1002);
        ch.writeInbound(Unpooled.wrappedBuffer(RawWebSocket.frame(RawWebSocket.TEXT, true, new byte[] {'b'}, true, 0)));
        assertThat((Object) ch.readInbound()).isNull();
    }
}
