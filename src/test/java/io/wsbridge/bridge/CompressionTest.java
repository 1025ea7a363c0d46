package io.wsbridge.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.wsbridge.testing.Client;
import io.wsbridge.testing.RawWebSocket;
import io.wsbridge.testing.Scripts;
import io.wsbridge.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * --compress end to end: permessage-deflate negotiated in the upgrade, compressed both ways, bounded when the
 * client sends a bomb. The client here is a raw WebSocket client compressing with the JDK's zlib (the JDK's
 * own java.net.http WebSocket client does not implement extensions).
 */
@Timeout(120)
class CompressionTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    /** A client with its own zlib streams, as a browser has, context carried over between messages. */
    static final class DeflateClient implements AutoCloseable {
        final RawWebSocket ws;
        private final Deflater deflater = new Deflater(6, true);
        private final Inflater inflater;
        private final boolean serverNoContextTakeover;

        DeflateClient(int port, String offer) throws IOException {
            ws = RawWebSocket.connect(port, "/", Map.of("Sec-WebSocket-Extensions", offer), 0);
            inflater = new Inflater(true);
            serverNoContextTakeover = offer.contains("server_no_context_takeover");
        }

        String agreed() {
            return ws.handshake().header("Sec-WebSocket-Extensions");
        }

        void send(int opcode, byte[] data) throws IOException {
            ws.sendRaw(RawWebSocket.frame(opcode, true, compress(deflater, data), true, 4));
        }

        /** The next message, inflated when it is compressed; null at a close frame. */
        RawWebSocket.Frame receive() throws IOException, DataFormatException {
            RawWebSocket.Frame f = ws.readMessage(WAIT);
            if (f.opcode() == RawWebSocket.CLOSE || f.rsv() == 0) {
                return f;
            }
            if (serverNoContextTakeover) {
                inflater.reset();
            }
            return new RawWebSocket.Frame(true, f.opcode(), inflate(inflater, f.payload()), f.rsv());
        }

        @Override
        public void close() throws IOException {
            deflater.end();
            inflater.end();
            ws.close();
        }
    }

    static byte[] compress(Deflater deflater, byte[] data) {
        deflater.setInput(data);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[64 * 1024];
        int n;
        do {
            n = deflater.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH);
            out.write(buf, 0, n);
        } while (n == buf.length);
        byte[] all = out.toByteArray();
        if (all.length == 0) {
            return new byte[] {0}; // nothing since the last flush: an empty stored block without its tail
        }
        assertThat(Arrays.copyOfRange(all, all.length - 4, all.length)).containsExactly(0, 0, 0xff, 0xff);
        return Arrays.copyOf(all, all.length - 4);
    }

    static byte[] inflate(Inflater inflater, byte[] payload) throws DataFormatException {
        byte[] withTail = Arrays.copyOf(payload, payload.length + 4);
        withTail[payload.length + 2] = (byte) 0xff;
        withTail[payload.length + 3] = (byte) 0xff;
        inflater.setInput(withTail);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[64 * 1024];
        while (!inflater.needsInput()) {
            int n = inflater.inflate(buf);
            out.write(buf, 0, n);
            if (n == 0 && !inflater.needsInput()) {
                throw new DataFormatException("stuck");
            }
        }
        return out.toByteArray();
    }

    private static String chatLine(int i) {
        return "{\"user\":\"alice\",\"room\":\"lobby\",\"text\":\"message number " + i + ", how is everyone?\"}";
    }

    @Test
    void negotiatedOnlyWhenEnabledAndOffered() throws Exception {
        try (TestServer plain = TestServer.start("cat");
             RawWebSocket ws = RawWebSocket.connect(plain.port(), "/",
                     Map.of("Sec-WebSocket-Extensions", "permessage-deflate"), 0)) {
            assertThat(ws.handshake().header("Sec-WebSocket-Extensions")).isNull();
        }
        try (TestServer server = TestServer.start("--compress", "cat")) {
            try (RawWebSocket ws = RawWebSocket.connect(server.port(), "/")) {
                assertThat(ws.handshake().header("Sec-WebSocket-Extensions")).isNull();
                ws.sendText("no offer, no compression");
                RawWebSocket.Frame f = ws.readMessage(WAIT);
                assertThat(f.rsv()).isZero();
                assertThat(f.text()).isEqualTo("no offer, no compression");
            }
            try (DeflateClient c = new DeflateClient(server.port(),
                    "permessage-deflate; mystery, permessage-deflate; client_max_window_bits")) {
                assertThat(c.agreed()).isEqualTo("permessage-deflate");
            }
        }
    }

    @Test
    void chatLikeTextIsCompressedBothWaysWithContextTakeover() throws Exception {
        try (TestServer server = TestServer.start("--compress", "cat");
             DeflateClient c = new DeflateClient(server.port(), "permessage-deflate; client_max_window_bits")) {
            int wire = 0;
            int plain = 0;
            for (int i = 0; i < 50; i++) {
                String line = chatLine(i);
                c.send(RawWebSocket.TEXT, line.getBytes(StandardCharsets.UTF_8));
                RawWebSocket.Frame raw = c.ws.readMessage(WAIT);
                assertThat(raw.rsv()).as("RSV1 on the server's message").isEqualTo(4);
                wire += raw.payload().length;
                plain += line.length();
                assertThat(new String(inflate(c.inflater, raw.payload()), StandardCharsets.UTF_8)).isEqualTo(line);
            }
            assertThat(wire).as("bytes on the wire for %d bytes of chat", plain).isLessThan(plain / 3);
            // An uncompressed message (RSV1 clear) is allowed too, and so is an empty one.
            c.ws.sendText("plain");
            assertThat(c.receive().text()).isEqualTo("plain");
            c.send(RawWebSocket.TEXT, new byte[0]);
            assertThat(c.receive().payload()).isEmpty();
        }
    }

    @Test
    void dataThatDoesNotShrinkIsSentUncompressedForAWhile() throws Exception {
        Random random = new Random(3);
        try (TestServer server = TestServer.start("--compress", "--framing=lengthprefixed", "cat");
             DeflateClient c = new DeflateClient(server.port(), "permessage-deflate")) {
            StringBuilder rsv1 = new StringBuilder();
            for (int i = 0; i < 6; i++) {
                byte[] data = new byte[1024];
                random.nextBytes(data);
                c.send(RawWebSocket.BINARY, data);
                RawWebSocket.Frame back = c.receive();
                assertThat(back.payload()).isEqualTo(data);
                rsv1.append(back.rsv() == 4 ? 'C' : '-');
            }
            assertThat(rsv1).hasToString("C-C--C");
            // Text after that: the wait (now 4 messages) runs out, then it is compressed again for good.
            rsv1.setLength(0);
            for (int i = 0; i < 6; i++) {
                byte[] text = chatLine(i).repeat(10).getBytes(StandardCharsets.UTF_8);
                c.send(RawWebSocket.TEXT, text);
                RawWebSocket.Frame back = c.receive();
                assertThat(back.payload()).isEqualTo(text);
                rsv1.append(back.rsv() == 4 ? 'C' : '-');
            }
            assertThat(rsv1).hasToString("----CC");
        }
    }

    @Test
    void fragmentedCompressedMessagesAndTheRulesForRsv1() throws Exception {
        try (TestServer server = TestServer.start("--compress", "--framing=lengthprefixed", "cat")) {
            try (DeflateClient c = new DeflateClient(server.port(), "permessage-deflate; client_no_context_takeover")) {
                assertThat(c.agreed()).isEqualTo("permessage-deflate; client_no_context_takeover");
                byte[] text = "fragmented and compressed, ".repeat(200).getBytes(StandardCharsets.UTF_8);
                for (int round = 0; round < 2; round++) {
                    Deflater fresh = new Deflater(6, true);
                    byte[] compressed = compress(fresh, text);
                    fresh.end();
                    int third = compressed.length / 3;
                    // RSV1 on the first frame only; the compressed stream cut at arbitrary points.
                    c.ws.sendRaw(RawWebSocket.frame(RawWebSocket.TEXT, false,
                            Arrays.copyOfRange(compressed, 0, third), true, 4));
                    c.ws.sendRaw(RawWebSocket.frame(RawWebSocket.CONTINUATION, false,
                            Arrays.copyOfRange(compressed, third, 2 * third), true, 0));
                    c.ws.send(RawWebSocket.PING, true, new byte[] {1}); // control frames may come in between
                    c.ws.sendRaw(RawWebSocket.frame(RawWebSocket.CONTINUATION, true,
                            Arrays.copyOfRange(compressed, 2 * third, compressed.length), true, 0));
                    assertThat(c.receive().payload()).isEqualTo(text);
                }
            }
            try (DeflateClient c = new DeflateClient(server.port(), "permessage-deflate")) {
                c.ws.sendRaw(RawWebSocket.frame(RawWebSocket.TEXT, false, new byte[] {'a'}, true, 0));
                c.ws.sendRaw(RawWebSocket.frame(RawWebSocket.CONTINUATION, true, new byte[] {'b'}, true, 4));
                assertThat(c.ws.awaitClose(WAIT).closeCode()).as("RSV1 on a continuation frame").isEqualTo(1002);
            }
            try (DeflateClient c = new DeflateClient(server.port(), "permessage-deflate")) {
                c.ws.sendRaw(RawWebSocket.frame(RawWebSocket.PING, true, new byte[0], true, 4));
                assertThat(c.ws.awaitClose(WAIT).closeCode()).as("RSV1 on a control frame").isEqualTo(1002);
            }
            try (DeflateClient c = new DeflateClient(server.port(), "permessage-deflate")) {
                c.ws.sendRaw(RawWebSocket.frame(RawWebSocket.BINARY, true, new byte[] {(byte) 0xff, 1, 2, 3}, true, 4));
                assertThat(c.ws.awaitClose(WAIT).closeCode()).as("not a deflate stream").isEqualTo(1007);
            }
            try (RawWebSocket plain = RawWebSocket.connect(server.port(), "/")) {
                plain.sendRaw(RawWebSocket.frame(RawWebSocket.TEXT, true, new byte[] {'a'}, true, 4));
                assertThat(plain.awaitClose(WAIT).closeCode()).as("RSV1 without the extension").isEqualTo(1002);
            }
        }
    }

    @Test
    void binaryOfEverySizeThroughLengthPrefixedCat() throws Exception {
        Random random = new Random(7692);
        try (TestServer server = TestServer.start("--compress", "--framing=lengthprefixed", "--maxframesize=20m",
                "cat");
             DeflateClient c = new DeflateClient(server.port(), "permessage-deflate")) {
            for (int size : new int[] {0, 1, 125, 126, 65535, 65536, 5 << 20}) {
                byte[] data = new byte[size];
                random.nextBytes(data);
                Arrays.fill(data, 0, size / 2, (byte) 'x'); // half compressible, half not
                c.send(RawWebSocket.BINARY, data);
                RawWebSocket.Frame back = c.receive();
                assertThat(back.opcode()).isEqualTo(RawWebSocket.BINARY);
                assertThat(back.payload()).as("%d bytes", size).isEqualTo(data);
            }
        }
    }

    @Test
    void smallServerWindowAndNoContextTakeoverAreHonoured() throws Exception {
        // Python's zlib with a 512-byte window fails ("invalid distance too far back") on any reference
        // further back than that, which a 32 KiB deflater would make on this repetitive text.
        Path check = Scripts.python(dir, "inflate9.py", """
                import sys, zlib
                d = zlib.decompressobj(-9)
                sys.stdout.buffer.write(d.decompress(sys.stdin.buffer.read() + b'\\x00\\x00\\xff\\xff'))
                """);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            text.append(chatLine(i % 7)).append(i % 3 == 0 ? "\n" : " ");
        }
        String message = text.toString().replace("\n", " ");
        try (TestServer server = TestServer.start("--compress", "cat");
             DeflateClient c = new DeflateClient(server.port(),
                     "permessage-deflate; server_no_context_takeover; server_max_window_bits=9")) {
            assertThat(c.agreed()).isEqualTo("permessage-deflate; server_no_context_takeover; server_max_window_bits=9");
            for (int i = 0; i < 2; i++) {
                c.send(RawWebSocket.TEXT, message.getBytes(StandardCharsets.UTF_8));
                RawWebSocket.Frame raw = c.ws.readMessage(WAIT);
                assertThat(raw.rsv()).isEqualTo(4);
                assertThat(raw.payload().length).isLessThan(message.length() / 2);
                Process p = new ProcessBuilder(check.toString()).start();
                p.getOutputStream().write(raw.payload());
                p.getOutputStream().close();
                byte[] out = p.getInputStream().readAllBytes();
                assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
                assertThat(new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8)).isEmpty();
                assertThat(new String(out, StandardCharsets.UTF_8)).as("message %d alone, 512-byte window", i)
                        .isEqualTo(message);
            }
        }
    }

    @Test
    void aDeflateBombGets1009AfterAtMostTheLimit() throws Exception {
        Path got = dir.resolve("got");
        // Not exec: the shell keeps the stdout pipe open (an early end of output would end the session first).
        Path program = Scripts.sh(dir, "count.sh", "cat > '" + got + "'; echo done");
        byte[] bomb;
        {
            Deflater d = new Deflater(9, true);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] zeros = new byte[1 << 20];
            byte[] buf = new byte[64 * 1024];
            for (int i = 0; i < 512; i++) { // 512 MiB of zeros, about 500 KiB compressed
                d.setInput(zeros);
                while (!d.needsInput()) {
                    out.write(buf, 0, d.deflate(buf));
                }
            }
            int n;
            do {
                n = d.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH);
                out.write(buf, 0, n);
            } while (n == buf.length);
            d.end();
            bomb = out.toByteArray();
        }
        assertThat(bomb.length).isLessThan(1 << 20);
        try (TestServer server = TestServer.start("--compress", "--binary", "--maxframesize=1m", program.toString());
             DeflateClient c = new DeflateClient(server.port(), "permessage-deflate")) {
            byte[] frame = RawWebSocket.frame(RawWebSocket.BINARY, true, bomb, true, 4);
            // Sent from another thread: the server refuses the message long before it has read all of it and
            // closes the connection, so the rest of this write may well fail with a reset.
            Thread sender = new Thread(() -> {
                try {
                    c.ws.sendRaw(frame);
                } catch (IOException expected) {
                    // the server stopped reading: that is the point
                }
            });
            sender.start();
            RawWebSocket.Frame close = c.ws.awaitClose(WAIT);
            sender.join(WAIT.toMillis());
            assertThat(close.closeCode()).as(close.closeReason()).isEqualTo(1009);
            assertThat(close.closeReason()).contains("1048576");
            io.wsbridge.testing.Waits.until(WAIT, () -> server.liveChildren() == 0, "the program to end");
            assertThat(Files.size(got)).as("bytes that reached the program").isLessThanOrEqualTo(1 << 20);
        }
    }

    @Test
    void aLargeCompressedMessageToASlowProgramIsInflatedAsItReads() throws Exception {
        // 64 MiB of text in about 64 KiB of compressed input: far more than the pipes hold, so the session
        // stops reading, inflating stops with it, and both resume as the program reads. Everything arrives.
        Path program = Scripts.python(dir, "count.py", """
                import sys, time
                total = 0
                while True:
                    block = sys.stdin.buffer.read1(65536)
                    if not block or b'\\n' in block:
                        total += block.find(b'\\n')
                        break
                    total += len(block)
                    time.sleep(0.0005)  # a slow reader
                print(total, flush=True)
                """);
        byte[] text = new byte[64 << 20];
        Arrays.fill(text, (byte) 'a');
        try (TestServer server = TestServer.start("--compress", "--maxframesize=0", program.toString());
             DeflateClient c = new DeflateClient(server.port(), "permessage-deflate")) {
            c.send(RawWebSocket.TEXT, text);
            RawWebSocket.Frame answer = c.receive();
            assertThat(answer.opcode()).as("%s %d %s", answer, answer.closeCode(), answer.closeReason())
                    .isEqualTo(RawWebSocket.TEXT);
            assertThat(answer.text()).isEqualTo(Integer.toString(64 << 20));
        }
    }
}
