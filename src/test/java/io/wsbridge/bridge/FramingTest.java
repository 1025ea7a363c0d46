package io.wsbridge.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.wsbridge.testing.Client;
import io.wsbridge.testing.RawWebSocket;
import io.wsbridge.testing.Scripts;
import io.wsbridge.testing.TestServer;
import io.wsbridge.testing.Waits;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** --framing=lengthprefixed and --framing=nul end to end, with real programs and real clients. */
@Timeout(120)
class FramingTest {
    @TempDir
    Path dir;

    private static final int[] SIZES = {0, 1, 125, 126, 65535, 65536, 16 << 20};

    @Test
    void catIsAnExactEchoForTextAndBinaryOfEverySize() throws Exception {
        Random random = new Random(14);
        try (TestServer server = TestServer.start("--framing=lengthprefixed", "--maxframesize=17m", "cat");
             Client client = Client.connect(server.url("/"))) {
            for (int size : SIZES) {
                byte[] data = new byte[size];
                random.nextBytes(data);
                client.sendBinary(data);
                Client.Event back = client.next(30);
                assertThat(back).as("binary %d B", size).isInstanceOf(Client.Binary.class);
                assertThat(((Client.Binary) back).data()).as("binary %d B", size).isEqualTo(data);

                char[] chars = new char[size];
                for (int i = 0; i < size; i++) {
                    chars[i] = (char) ('\n' + random.nextInt(100)); // newlines and NULs-free ASCII mixed
                }
                String text = new String(chars);
                client.send(text);
                assertThat(client.nextText(30)).as("text %d chars", size).isEqualTo(text);
            }
        }
    }

    @Test
    void textWithEmbeddedNewlinesAndMixedTypesKeepTheirBoundaries() throws Exception {
        try (TestServer server = TestServer.start("--framing=lengthprefixed", "cat");
             Client client = Client.connect(server.url("/"))) {
            client.send("one\ntwo\r\nthree\n");
            client.sendBinary(new byte[] {'\n', 0, (byte) 0xff});
            client.send("héllo ✓ 𝄞\n\n");
            assertThat(client.nextText(10)).isEqualTo("one\ntwo\r\nthree\n");
            assertThat(((Client.Binary) client.next(10)).data()).containsExactly('\n', 0, (byte) 0xff);
            assertThat(client.nextText(10)).isEqualTo("héllo ✓ 𝄞\n\n");
        }
    }

    @Test
    void aPythonProgramSends300KbImagesThatArriveWhole() throws Exception {
        Path program = Scripts.python(dir, "images.py", """
                import struct, sys
                out = sys.stdout.buffer
                for i in range(3):
                    payload = bytes([i]) * 300_000
                    out.write(struct.pack('>I', 0x80000000 | len(payload)) + payload)
                    caption = f'image {i}\\nof 3'.encode()
                    out.write(struct.pack('>I', len(caption)) + caption)
                    out.flush()
                """);
        try (TestServer server = TestServer.start("--framing=lengthprefixed", program.toString());
             Client client = Client.connect(server.url("/"))) {
            for (int i = 0; i < 3; i++) {
                Client.Event image = client.next(10);
                assertThat(image).isInstanceOf(Client.Binary.class);
                byte[] expected = new byte[300_000];
                Arrays.fill(expected, (byte) i);
                assertThat(((Client.Binary) image).data()).isEqualTo(expected);
                assertThat(client.nextText(10)).isEqualTo("image " + i + "\nof 3");
            }
            assertThat(client.awaitClose(10).code()).isEqualTo(1000);
        }
    }

    @Test
    void aPythonProgramReadsLengthPrefixedMessages() throws Exception {
        Path program = Scripts.python(dir, "reader.py", """
                import struct, sys
                inp, out = sys.stdin.buffer, sys.stdout.buffer
                while True:
                    head = inp.read(4)
                    if len(head) < 4:
                        break
                    (h,) = struct.unpack('>I', head)
                    payload = inp.read(h & 0x7fffffff)
                    kind = b'binary' if h & 0x80000000 else b'text'
                    reply = kind + b' ' + str(len(payload)).encode() + b': ' + payload[:20]
                    out.write(struct.pack('>I', len(reply)) + reply)
                    out.flush()
                """);
        try (TestServer server = TestServer.start("--framing=lengthprefixed", program.toString());
             Client client = Client.connect(server.url("/"))) {
            client.send("a\nb");
            assertThat(client.nextText(10)).isEqualTo("text 3: a\nb");
            client.sendBinary(new byte[70_000]);
            assertThat(client.nextText(10)).startsWith("binary 70000: ");
            client.send("");
            assertThat(client.nextText(10)).isEqualTo("text 0: ");
        }
    }

    @Test
    void invalidUtf8FromTheProgramIsReplacedAndFromTheClientIs1007() throws Exception {
        Path program = Scripts.sh(dir, "bad.sh", "printf '\\000\\000\\000\\003a\\377b'; exec cat");
        try (TestServer server = TestServer.start("--framing=lengthprefixed", program.toString());
             RawWebSocket ws = RawWebSocket.connect(server.port(), "/")) {
            assertThat(ws.readMessage(Duration.ofSeconds(10)).text()).isEqualTo("a\uFFFDb");
            ws.send(RawWebSocket.TEXT, true, new byte[] {'x', (byte) 0xff});
            assertThat(ws.awaitClose(Duration.ofSeconds(10)).closeCode()).isEqualTo(1007);
        }
    }

    @Test
    void anOversizeHeaderFromTheProgramIs1011AndTheProgramIsStopped() throws Exception {
        // Announces 2 MiB with a 1 MiB limit, then would live for a minute: the ladder ends it.
        Path program = Scripts.sh(dir, "oversize.sh", "printf '\\000\\040\\000\\000'; exec sleep 60");
        try (TestServer server = TestServer.start("--framing=lengthprefixed", program.toString())) {
            try (RawWebSocket ws = RawWebSocket.connect(server.port(), "/")) {
                RawWebSocket.Frame close = ws.awaitClose(Duration.ofSeconds(10));
                assertThat(close.closeCode()).isEqualTo(1011);
                assertThat(close.closeReason()).contains("2097152-byte message", "1048576-byte limit");
            }
            Waits.until(Duration.ofSeconds(10), () -> server.liveChildren() == 0, "the program to be stopped");
            assertServerGoesOn(server);
        }
    }

    @Test
    void outputEndingInsideAMessageIs1011() throws Exception {
        Path inPayload = Scripts.sh(dir, "payload.sh", "printf '\\000\\000\\000\\002ok\\000\\000\\000\\011abc'");
        Path inHeader = Scripts.sh(dir, "header.sh", "printf '\\000\\000\\000\\002ok\\200\\000'");
        for (Path program : new Path[] {inPayload, inHeader}) {
            try (TestServer server = TestServer.start("--framing=lengthprefixed", program.toString());
                 RawWebSocket ws = RawWebSocket.connect(server.port(), "/")) {
                assertThat(ws.readMessage(Duration.ofSeconds(10)).text()).isEqualTo("ok");
                RawWebSocket.Frame close = ws.awaitClose(Duration.ofSeconds(10));
                assertThat(close.closeCode()).as(program.toString()).isEqualTo(1011);
                assertThat(close.closeReason()).as(program.toString()).contains("output ended inside a message");
                assertServerGoesOn(server);
            }
        }
    }

    @Test
    void nulFramingBothWays() throws Exception {
        Path program = Scripts.sh(dir, "nul.sh", "printf 'first\\nline\\000\\000crlf\\r\\n\\000'; exec cat");
        try (TestServer server = TestServer.start("--framing=nul", program.toString());
             Client client = Client.connect(server.url("/"))) {
            assertThat(client.nextText(10)).isEqualTo("first\nline");
            assertThat(client.nextText(10)).isEmpty();
            assertThat(client.nextText(10)).isEqualTo("crlf\r\n");
            client.send("multi\nline\nmessage");
            assertThat(client.nextText(10)).isEqualTo("multi\nline\nmessage");
            client.sendBinary(new byte[] {'x', 0}); // ignored, as in line mode
            client.send("");
            assertThat(client.nextText(10)).isEmpty();
        }
    }

    @Test
    void badFramingFlagsAreRefused() throws Exception {
        var parser = new io.wsbridge.cli.ConfigParser(System.getenv());
        assertThat(parser.parse("--framing=json", "cat")).isInstanceOf(io.wsbridge.cli.ConfigParser.Exit.class);
        assertThat(parser.parse("--framing=nul", "--binary", "cat"))
                .isInstanceOf(io.wsbridge.cli.ConfigParser.Exit.class);
        assertThat(parser.parse("--framing=lengthprefixed", "--passstderr", "cat"))
                .isInstanceOf(io.wsbridge.cli.ConfigParser.Exit.class);
    }

    private static void assertServerGoesOn(TestServer server) throws Exception {
        try (Client other = Client.connect(server.url("/"))) {
            assertThat(other.next(10)).isNotNull();
        }
    }
}
