package io.wsbridge.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.wsbridge.testing.Client;
import io.wsbridge.testing.TestServer;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every example in examples/ through the real server with a real WebSocket client, checking what it
 * answers. An example whose interpreter is not installed is skipped, and says so.
 */
@Timeout(120)
class ExamplesTest {
    private static final Path EXAMPLES = Path.of("examples").toAbsolutePath();
    private static final String UNICODE = "Zoë 😀 Ω";

    @TempDir
    Path dir;

    /** The interpreter a program's #! line names (through env), or null for none. */
    private static String interpreter(Path program) throws IOException {
        String first = Files.readAllLines(program).get(0);
        if (!first.startsWith("#!")) {
            return null;
        }
        String[] words = first.substring(2).trim().split("\\s+");
        return words[0].endsWith("/env") ? words[1] : words[0];
    }

    private static boolean installed(String interpreter) {
        if (interpreter.startsWith("/")) {
            return Files.isExecutable(Path.of(interpreter));
        }
        for (String d : System.getenv("PATH").split(File.pathSeparator)) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, interpreter))) {
                return true;
            }
        }
        return false;
    }

    /** Skips (visibly) when the example's interpreter is missing. */
    private static List<String> command(String example, String... args) throws IOException {
        Path program = EXAMPLES.resolve(example);
        String interpreter = interpreter(program);
        if (interpreter != null && !installed(interpreter)) {
            String message = "SKIPPED examples/" + example + ": " + interpreter + " is not installed";
            System.out.println(message);
            System.err.println(message);
            Assumptions.abort(message);
        }
        List<String> command = new ArrayList<>();
        command.add(program.toString());
        command.addAll(List.of(args));
        return command;
    }

    private static TestServer serve(List<String> command, String... options) throws Exception {
        List<String> args = new ArrayList<>(List.of(options));
        args.addAll(command);
        return TestServer.start(args.toArray(String[]::new));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"greeter.sh", "greeter.bash", "greeter.py", "greeter.js", "greeter.pl", "greeter.rb"})
    void everyGreeterAnswersEachNameAtOnce(String example) throws Exception {
        try (TestServer server = serve(command(example)); Client client = Client.connect(server.url("/"))) {
            greets(client, 30);
        }
    }

    @Test
    void theGreeterFromItsConfigFile() throws Exception {
        try (TestServer server = TestServer.start("--config=examples/greeter.toml", "--metrics=127.0.0.1:0");
             Client client = Client.connect(server.url("/"))) {
            greets(client, 30);
        }
    }

    @Test
    void theGreeterBehindItsPasswordFile() throws Exception {
        try (TestServer server = TestServer.start("--basicauth=examples/greeter.htpasswd", "examples/greeter.sh")) {
            assertThat(io.wsbridge.testing.RawWebSocket.tryUpgrade(server.port(), "/", java.util.Map.of()).status())
                    .isEqualTo(401);
            String alice = "Basic " + java.util.Base64.getEncoder().encodeToString("alice:s3cret".getBytes(
                    java.nio.charset.StandardCharsets.UTF_8));
            try (io.wsbridge.testing.RawWebSocket ws = io.wsbridge.testing.RawWebSocket.connect(server.port(), "/",
                    java.util.Map.of("Authorization", alice), 0)) {
                ws.sendText("alice");
                assertThat(ws.readMessage(java.time.Duration.ofSeconds(30)).text()).isEqualTo("Hello alice!");
            }
        }
    }

    @Test
    void theJavaGreeterRunsFromItsSourceFile() throws Exception {
        List<String> command = List.of("java", EXAMPLES.resolve("Greeter.java").toString());
        try (TestServer server = serve(command); Client client = Client.connect(server.url("/"))) {
            greets(client, 60); // compiled at launch: the first answer takes a while
        }
    }

    /** Answers come one by one, before the next name is sent: a buffering program would hang here. */
    private static void greets(Client client, long firstSeconds) throws Exception {
        client.send("World");
        assertThat(client.nextText(firstSeconds)).isEqualTo("Hello World!");
        client.send(UNICODE);
        assertThat(client.nextText(10)).isEqualTo("Hello " + UNICODE + "!");
        client.send("");
        assertThat(client.nextText(10)).isEqualTo("Hello !");
    }

    @Test
    void countCountsAndEnds() throws Exception {
        try (TestServer server = serve(command("count.sh")); Client client = Client.connect(server.url("/"))) {
            assertThat(client.nextText(10)).isEqualTo("1");
            assertThat(client.nextText(10)).isEqualTo("2");
        }
    }

    @Test
    void echoEchoes() throws Exception {
        try (TestServer server = serve(command("echo.sh")); Client client = Client.connect(server.url("/"))) {
            client.send("same " + UNICODE);
            assertThat(client.nextText(10)).isEqualTo("same " + UNICODE);
        }
    }

    @Test
    void dumpEnvShowsTheCgiEnvironment() throws Exception {
        try (TestServer server = serve(command("dump-env.sh"));
             Client client = Client.connect(server.url("/room/7?x=1"))) {
            Map<String, String> env = new HashMap<>();
            while (true) {
                Client.Event e = client.next(10);
                if (!(e instanceof Client.Text t)) {
                    break;
                }
                int eq = t.text().indexOf('=');
                env.put(t.text().substring(0, eq), t.text().substring(eq + 1));
            }
            assertThat(env).containsEntry("REMOTE_ADDR", "127.0.0.1").containsEntry("QUERY_STRING", "x=1")
                    .containsEntry("PATH_INFO", "/room/7").containsKey("HTTP_SEC_WEBSOCKET_KEY");
        }
    }

    @Test
    void sendReceiveTicksAndAnswersIndependently() throws Exception {
        try (TestServer server = serve(command("send-receive.sh"));
             Client client = Client.connect(server.url("/"))) {
            assertThat(client.nextText(10)).isEqualTo("tick 1");
            client.send("ping");
            List<String> seen = new ArrayList<>();
            while (!seen.contains("received: ping")) {
                seen.add(client.nextText(10));
            }
            assertThat(seen).allMatch(l -> l.equals("received: ping") || l.matches("tick \\d+"));
        }
    }

    @Test
    void jsonLinesAnswersEveryRequestEvenBadOnes() throws Exception {
        try (TestServer server = serve(command("json-lines.py"));
             Client client = Client.connect(server.url("/?q=2"))) {
            client.send("{\"id\": 1, \"op\": \"add\", \"args\": [2, 3]}");
            assertThat(client.nextText(30)).isEqualTo("{\"id\": 1, \"ok\": true, \"result\": 5}");
            client.send("{\"id\": 2, \"op\": \"upper\", \"args\": [\"ab\", \"cd\"]}");
            assertThat(client.nextText(10)).isEqualTo("{\"id\": 2, \"ok\": true, \"result\": \"AB CD\"}");
            client.send("not json");
            assertThat(client.nextText(10)).startsWith("{\"id\": null, \"ok\": false, \"error\": ");
            client.send("{\"id\": 3, \"op\": \"divide\"}");
            assertThat(client.nextText(10)).isEqualTo("{\"id\": 3, \"ok\": false, \"error\": \"unknown op 'divide'\"}");
            client.send("{\"id\": 4, \"op\": \"env\"}");
            assertThat(client.nextText(10))
                    .isEqualTo("{\"id\": 4, \"ok\": true, \"result\": {\"REMOTE_ADDR\": \"127.0.0.1\", \"QUERY_STRING\": \"q=2\"}}");
        }
    }

    @Test
    void imageStreamSendsWholePngsWithMultiLineCaptions() throws Exception {
        try (TestServer server = serve(command("image-stream.py"), "--framing=lengthprefixed");
             Client client = Client.connect(server.url("/"))) {
            for (int i = 0; i < 2; i++) {
                Client.Event image = client.next(30);
                assertThat(image).isInstanceOf(Client.Binary.class);
                byte[] png = ((Client.Binary) image).data();
                assertThat(java.util.Arrays.copyOf(png, 8)).containsExactly(0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n');
                assertThat(java.util.Arrays.copyOfRange(png, png.length - 8, png.length - 4))
                        .containsExactly('I', 'E', 'N', 'D');
                assertThat(client.nextText(10)).isEqualTo("frame " + i + ": " + png.length + " bytes\n192x120 PNG at 10 fps");
            }
        }
    }

    @Test
    void mixedAnswersTextWithTextAndBinaryWithBoth() throws Exception {
        try (TestServer server = serve(command("mixed.py"), "--framing=lengthprefixed");
             Client client = Client.connect(server.url("/"))) {
            client.send("first\n" + UNICODE);
            assertThat(client.nextText(30)).isEqualTo("1: first\n2: " + UNICODE);
            client.sendBinary(new byte[] {1, 2, 3, '\n', 0});
            assertThat(client.nextText(10)).isEqualTo("binary message: 5 bytes, sha256 "
                    + sha256(new byte[] {1, 2, 3, '\n', 0}));
            assertThat(((Client.Binary) client.next(10)).data()).containsExactly(0, '\n', 3, 2, 1);
        }
    }

    private static String sha256(byte[] data) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(data));
    }

    @Test
    void unbufferedAnswersLineByLineUnderLinebuffered() throws Exception {
        try (TestServer server = serve(command("unbuffered.py"), "--linebuffered");
             Client client = Client.connect(server.url("/"))) {
            assertThat(client.nextText(30)).startsWith("tick 1 at ");
            client.send("hi");
            String line;
            do {
                line = client.nextText(10);
            } while (line.startsWith("tick "));
            assertThat(line).isEqualTo("you said: hi");
        }
    }

    @Test
    void sysstatsIsCompressedForAClientThatOffersIt() throws Exception {
        List<String> command = command("sysstats.py");
        try (TestServer server = serve(command, "--compress");
             io.wsbridge.testing.RawWebSocket ws = io.wsbridge.testing.RawWebSocket.connect(server.port(), "/",
                     Map.of("Sec-WebSocket-Extensions", "permessage-deflate; client_max_window_bits"), 0)) {
            assertThat(ws.handshake().header("Sec-WebSocket-Extensions")).isEqualTo("permessage-deflate");
            io.wsbridge.testing.RawWebSocket.Frame f = ws.readMessage(java.time.Duration.ofSeconds(30));
            assertThat(f.rsv()).as("RSV1: compressed").isEqualTo(4);
            java.util.zip.Inflater inflater = new java.util.zip.Inflater(true);
            byte[] in = java.util.Arrays.copyOf(f.payload(), f.payload().length + 4);
            in[in.length - 2] = (byte) 0xff;
            in[in.length - 1] = (byte) 0xff;
            inflater.setInput(in);
            byte[] out = new byte[1 << 16];
            int n = inflater.inflate(out);
            inflater.end();
            String json = new String(out, 0, n, java.nio.charset.StandardCharsets.UTF_8);
            assertThat(json).startsWith("{\"seq\": 1, ").contains("\"MemTotal\": ");
            assertThat(f.payload().length).as("compressed size of %d bytes of JSON", n).isLessThan(n / 2);
        }
    }

    @Test
    void chatRoomIsSharedByEveryConnection() throws Exception {
        List<String> command = command("chat.sh");
        Path room = dir.resolve("room.txt");
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("CHAT_ROOM", room.toString());
        List<String> args = new ArrayList<>(List.of("--passenv=PATH,CHAT_ROOM"));
        args.addAll(command);
        try (TestServer server = TestServer.start(env, args.toArray(String[]::new));
             Client alice = Client.connect(server.url("/"))) {
            alice.send("alice");
            assertThat(alice.nextText(10)).isEqualTo("* alice joined");
            try (Client bob = Client.connect(server.url("/"))) {
                bob.send("bob");
                assertThat(bob.nextText(10)).isEqualTo("* bob joined");
                assertThat(alice.nextText(10)).isEqualTo("* bob joined");
                alice.send("hi bob");
                assertThat(bob.nextText(10)).isEqualTo("alice: hi bob");
                assertThat(alice.nextText(10)).isEqualTo("alice: hi bob");
                bob.send("hi alice " + UNICODE);
                assertThat(alice.nextText(10)).isEqualTo("bob: hi alice " + UNICODE);
                bob.closeNormally();
            }
            assertThat(alice.nextText(10)).isEqualTo("* bob left");
        }
        assertThat(Files.readString(room)).startsWith("* alice joined\n* bob joined\nalice: hi bob\n");
    }

    @Test
    void everyExampleHasAPageAndAReadmeLine() throws IOException {
        String readme = Files.readString(EXAMPLES.resolve("README.md"));
        List<Path> programs;
        try (Stream<Path> files = Files.list(EXAMPLES)) {
            programs = files.filter(Files::isRegularFile) // chat/ is the rooms example, see RoomsTest
                    .filter(p -> !p.toString().endsWith(".html") && !p.toString().endsWith(".md")).toList();
        }
        assertThat(programs).hasSizeGreaterThanOrEqualTo(13);
        for (Path program : programs) {
            String name = program.getFileName().toString();
            assertThat(readme).as("examples/README.md lists %s", name).contains("| `" + name + "` |");
            String page = name.startsWith("greeter.") || name.equals("Greeter.java") ? "greeter.html"
                    : name.substring(0, name.lastIndexOf('.')) + ".html";
            Path html = EXAMPLES.resolve(page);
            assertThat(html).as("page for %s", name).exists();
            assertThat(Files.readString(html)).contains("new WebSocket(").contains("onmessage");
        }
    }
}
