package io.wsbridge.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.wsbridge.cli.Config;
import io.wsbridge.cli.ConfigParser;
import io.wsbridge.server.WsbridgeServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The real server, in this JVM, on an ephemeral 127.0.0.1 port, configured by real command-line flags. */
public final class TestServer implements AutoCloseable {
    private final WsbridgeServer server;
    private final int port;

    private TestServer(WsbridgeServer server) {
        this.server = server;
        this.port = server.boundAddresses().get(0).getPort();
    }

    /** {@code args} as on the command line; --port and --address are chosen here. */
    public static TestServer start(String... args) throws Exception {
        return start(System.getenv(), args);
    }

    public static TestServer start(Map<String, String> environment, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("--address=127.0.0.1"));
        all.addAll(List.of(args));
        ConfigParser.Outcome outcome = new ConfigParser(environment).parse(all.toArray(String[]::new));
        assertThat(outcome).as("command line %s", all).isInstanceOf(ConfigParser.Run.class);
        Config parsed = ((ConfigParser.Run) outcome).config();
        // Port 0 on the command line means 80 (as in websocketd); tests want an ephemeral port instead.
        Config config = parsed.withListen(parsed.listen().withPort(0));
        WsbridgeServer server = new WsbridgeServer(config, environment);
        server.start();
        return new TestServer(server);
    }

    public int port() {
        return port;
    }

    public String url(String path) {
        return "ws://127.0.0.1:" + port + path;
    }

    public int liveChildren() {
        return server.liveChildren();
    }

    public WsbridgeServer server() {
        return server;
    }

    @Override
    public void close() {
        server.shutdown();
    }
}
