package io.wsbridge.production;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;
import io.wsbridge.testing.Client;
import io.wsbridge.testing.Descriptors;
import io.wsbridge.testing.ExternalServer;
import io.wsbridge.testing.Scripts;
import io.wsbridge.testing.UnixSocketClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * systemd integration without systemd as PID 1: the same protocols driven by the test. Socket activation gets
 * its sockets from a small wrapper that binds them, puts them at descriptors 3 and 4 and execs wsbridge with
 * LISTEN_FDS/LISTEN_PID (what systemd and systemd-socket-activate do); sd_notify's datagrams are read from a
 * Unix datagram socket of the test's own, as systemd would read $NOTIFY_SOCKET.
 */
@Timeout(120)
class SystemdTest {
    /** Binds what argv asks for, moves the sockets to fds 3, 4, ... and execs the rest of argv. */
    private static final String ACTIVATE = String.join("\n",
            "import os, socket, sys",
            "port_file, unix_path, mode = sys.argv[1], sys.argv[2], sys.argv[3]",
            "held = []",
            "if mode == 'sockets':",
            "    t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)",
            "    t.bind(('127.0.0.1', 0)); t.listen(16)",
            "    u = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)",
            "    u.bind(unix_path); u.listen(16)",
            "    open(port_file, 'w').write(str(t.getsockname()[1]))",
            "    held = [os.dup2(t.fileno(), 100), os.dup2(u.fileno(), 101)]",
            "else:",
            "    held = [os.open(port_file, os.O_RDWR | os.O_CREAT)]",
            "for i, fd in enumerate(held):",
            "    os.dup2(fd, 3 + i)",
            "    os.set_inheritable(3 + i, True)",
            "os.environ['LISTEN_FDS'] = str(len(held))",
            "os.environ['LISTEN_PID'] = str(os.getpid())",
            "os.execv(sys.argv[4], sys.argv[4:])",
            "");

    @TempDir
    Path dir;

    private Path activator() throws IOException {
        Path p = dir.resolve("activate.py");
        Files.writeString(p, ACTIVATE);
        return p;
    }

    private static void needPython() {
        boolean found = false;
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            found |= Files.isExecutable(Path.of(d, "python3"));
        }
        Assumptions.assumeTrue(found, "SKIPPED SystemdTest socket activation: python3 is not installed");
    }

    @Test
    void servesOnInheritedTcpAndUnixSocketsInsteadOfBinding() throws Exception {
        needPython();
        Path echo = Scripts.sh(dir, "echo.sh", "exec cat");
        Path portFile = dir.resolve("port");
        Path unix = dir.resolve("ws.sock");
        int configuredPort = ExternalServer.freePort();
        List<String> command = new java.util.ArrayList<>(List.of("python3", activator().toString(),
                portFile.toString(), unix.toString(), "sockets"));
        command.addAll(ExternalServer.javaCommand(List.of(), List.of("--address=127.0.0.1",
                "--port=" + configuredPort, echo.toString())));
        try (ExternalServer server = ExternalServer.launchCommand(command, Map.of())) {
            server.awaitOutput("unix socket at " + unix, 30);
            server.awaitOutput("Socket activation           : 2 sockets passed in", 5);
            int port = Integer.parseInt(Files.readString(portFile).trim());
            try (Client client = Client.connect("ws://127.0.0.1:" + port + "/")) {
                client.send("over inherited tcp");
                assertThat(client.nextText(10)).isEqualTo("over inherited tcp");
            }
            try (UnixSocketClient client = UnixSocketClient.upgrade(unix, "/")) {
                assertThat(client.status()).isEqualTo(101);
                client.sendText("over inherited unix");
                assertThat(client.readMessage(Duration.ofSeconds(10)).text()).isEqualTo("over inherited unix");
            }
            assertThat(connects(configuredPort)).as("--port is not bound when sockets are passed in").isFalse();
            server.signal("TERM");
            assertThat(server.awaitExit(20)).isZero();
        }
        assertThat(unix).as("the socket belongs to whoever passed it in").exists();
    }

    /**
     * A failed accept (EMFILE) on a passed-in socket pauses accepting for 20 ms, as on the sockets wsbridge binds
     * itself, not for Netty's whole second: the server's open-files limit is lowered until the accept has failed,
     * then restored, and the client waiting in the backlog is served.
     */
    @Test
    void aFailedAcceptOnAPassedSocketPausesBriefly() throws Exception {
        needPython();
        Assumptions.assumeTrue(Descriptors.prlimitInstalled(), "SKIPPED: prlimit (util-linux) not installed");
        Path echo = Scripts.sh(dir, "echo.sh", "exec cat");
        Path portFile = dir.resolve("port");
        List<String> command = new java.util.ArrayList<>(List.of("python3", activator().toString(),
                portFile.toString(), dir.resolve("ws.sock").toString(), "sockets"));
        command.addAll(ExternalServer.javaCommand(List.of(), List.of("--address=127.0.0.1", echo.toString())));
        try (ExternalServer server = ExternalServer.launchCommand(command, Map.of())) {
            server.awaitOutput("Socket activation           : 2 sockets passed in", 30);
            int port = Integer.parseInt(Files.readString(portFile).trim());
            long pid = server.pid();
            try (Client client = Client.connect("ws://127.0.0.1:" + port + "/")) { // lazily opened fds exist now
                client.send("warm");
                assertThat(client.nextText(10)).isEqualTo("warm");
            }
            io.wsbridge.testing.Waits.until(Duration.ofSeconds(10),
                    () -> ProcessHandle.of(pid).orElseThrow().children().count() == 0, "warm-up child reaped");
            String soft = Descriptors.softLimit(pid);
            try (Socket s = new Socket()) {
                Descriptors.setSoftLimit(pid, Integer.toString(Descriptors.firstFree(pid)));
                try {
                    s.connect(new InetSocketAddress("127.0.0.1", port), 5000); // completed by the kernel's backlog
                    server.awaitOutput("Cannot accept connections", 10);
                } finally {
                    Descriptors.setSoftLimit(pid, soft);
                }
                long restored = System.nanoTime();
                s.setSoTimeout(10_000);
                s.getOutputStream().write(("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                        + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                        + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                byte[] status = s.getInputStream().readNBytes(12);
                long ms = (System.nanoTime() - restored) / 1_000_000;
                assertThat(new String(status, StandardCharsets.ISO_8859_1)).isEqualTo("HTTP/1.1 101");
                System.out.printf("passed-in socket: served %d ms after the open-files limit was restored%n", ms);
            }
            assertThat(server.output()).anyMatch(l -> l.contains("Cannot accept connections")
                    && l.contains("pausing 20 ms"));
            server.signal("TERM");
            assertThat(server.awaitExit(20)).isZero();
        }
    }

    @Test
    void aPassedDescriptorThatIsNoListeningSocketStopsStartUp() throws Exception {
        needPython();
        List<String> command = new java.util.ArrayList<>(List.of("python3", activator().toString(),
                dir.resolve("not-a-socket").toString(), "-", "file"));
        command.addAll(ExternalServer.javaCommand(List.of(), List.of("cat")));
        try (ExternalServer server = ExternalServer.launchCommand(command, Map.of())) {
            assertThat(server.awaitExit(30)).isEqualTo(3);
            assertThat(String.join("\n", server.output())).contains("socket activation: inherited descriptor 3 is "
                    + "not a socket");
        }
    }

    private static boolean connects(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void notifiesReadyOnceListeningAndStoppingAtShutdown() throws Exception {
        Assumptions.assumeTrue(Epoll.isAvailable(), "SKIPPED sd_notify test: needs Netty's epoll transport");
        Path socket = dir.resolve("notify.sock");
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        try {
            Channel notifySocket = new Bootstrap().group(group).channel(EpollDomainDatagramChannel.class)
                    .handler(new SimpleChannelInboundHandler<DomainDatagramPacket>() {
                        @Override
                        protected void channelRead0(ChannelHandlerContext ctx, DomainDatagramPacket packet) {
                            received.add(packet.content().toString(StandardCharsets.UTF_8));
                        }
                    }).bind(new DomainSocketAddress(socket.toFile())).sync().channel();
            Path echo = Scripts.sh(dir, "echo.sh", "exec cat");
            int port = ExternalServer.freePort();
            List<String> command = ExternalServer.javaCommand(List.of(), List.of("--address=127.0.0.1",
                    "--port=" + port, echo.toString()));
            try (ExternalServer server = ExternalServer.launchCommand(command, Map.of("NOTIFY_SOCKET",
                    socket.toString()))) {
                String ready = received.poll(30, TimeUnit.SECONDS);
                assertThat(ready).as("a notification within 30 s; output %s", server.output()).isNotNull();
                assertThat(ready.split("\n")).contains("READY=1", "MAINPID=" + server.pid());
                assertThat(connects(port)).as("READY=1 comes after the listener is up").isTrue();
                server.signal("TERM");
                assertThat(received.poll(20, TimeUnit.SECONDS)).isEqualTo("STOPPING=1");
                assertThat(server.awaitExit(20)).isZero();
            }
            notifySocket.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }
}
