package io.wsbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --config=FILE: TOML keys are the long option names; the command line wins; every error names FILE:LINE. */
class ConfigFileTest {
    private static final Map<String, String> ENV = Map.of("PATH", "/usr/local/bin:/usr/bin:/bin");

    @TempDir
    Path dir;

    private String file(String toml) throws Exception {
        Path f = dir.resolve("wsbridge.toml");
        Files.writeString(f, toml);
        return f.toString();
    }

    private static ConfigParser.Outcome parse(String... args) {
        return new ConfigParser(ENV).parse(args);
    }

    private static Config run(String... args) {
        ConfigParser.Outcome o = parse(args);
        assertThat(o).as("outcome of %s: %s", String.join(" ", args), o).isInstanceOf(ConfigParser.Run.class);
        return ((ConfigParser.Run) o).config();
    }

    private static ConfigParser.Exit exit(String... args) {
        ConfigParser.Outcome o = parse(args);
        assertThat(o).as("outcome of %s", String.join(" ", args)).isInstanceOf(ConfigParser.Exit.class);
        return (ConfigParser.Exit) o;
    }

    @Test
    void everyKindOfOptionFromTheFile() throws Exception {
        String f = file("""
                # a comment
                port = 8080
                address = ["127.0.0.1", "[::1]"]
                binary = true
                pingms = 2500
                maxframesize = 65536
                origin = ["example.com", "https://other.org:8443"]
                header = ["X-A: 1", "X-B: 2"]
                header-ws = "X-C: 3"
                command = ["cat", "--flag with spaces", ""]
                """);
        Config c = run("--config=" + f);
        assertThat(c.listen().port()).isEqualTo(8080);
        assertThat(c.listen().addresses()).containsExactly("127.0.0.1", "[::1]");
        assertThat(c.websocket().binary()).isTrue();
        assertThat(c.websocket().pingMs()).isEqualTo(2500);
        assertThat(c.websocket().maxFrameSize()).isEqualTo(65536);
        assertThat(c.access().origins()).containsExactly("example.com", "https://other.org:8443");
        assertThat(c.headers().all()).extracting(Config.Header::name).containsExactly("X-A", "X-B");
        assertThat(c.headers().ws()).extracting(Config.Header::value).containsExactly("3");
        assertThat(c.endpoints().command().name()).isEqualTo("/usr/bin/cat");
        assertThat(c.endpoints().command().args()).containsExactly("--flag with spaces", "");
    }

    @Test
    void theCommandLineOverridesTheFile() throws Exception {
        String f = file("""
                port = 8080
                address = ["127.0.0.1"]
                binary = true
                command = "cat"
                """);
        Config c = run("--port=9000", "--config", f, "--address=[::1]", "--binary=false", "echo", "x");
        assertThat(c.listen().port()).isEqualTo(9000);
        assertThat(c.listen().addresses()).as("a list on the command line replaces the file's")
                .containsExactly("[::1]");
        assertThat(c.websocket().binary()).isFalse();
        assertThat(c.endpoints().command().name()).isEqualTo("/usr/bin/echo");
        assertThat(c.endpoints().command().args()).containsExactly("x");
        assertThat(run("--config=" + f).endpoints().command().name()).isEqualTo("/usr/bin/cat");
    }

    @Test
    void everyErrorNamesTheFileAndLineAndExitsOne() throws Exception {
        String[][] cases = {
                // file contents, expected message (after "FILE:")
                {"pingms = 1\nport = \"8080\"\n", "2: 'port' must be an integer, not the string \"8080\""},
                {"\n\nbinary = \"yes\"\n", "3: 'binary' must be true or false, not the string \"yes\""},
                {"header = [1, 2]\n", "1: 'header' must be a list of strings, not a list"},
                {"command = \"cat\"\nbogus = 1\n", "2: unknown option 'bogus'"},
                {"[server]\nport = 1\n", "1: unknown table 'server' (options are top-level keys)"},
                {"help = true\n", "1: 'help' is not allowed in a config file"},
                {"config = \"other.toml\"\n", "1: 'config' is not allowed in a config file"},
                {"port = 1\nport = 2\n", "2: port previously defined at line 1"},
                {"port = = 1\n", "1: "},
                {"command = \"cat\"\n\nbinary = true\npassstderr = true\n",
                        "3, FILE:4: Please only specify one of --binary and --passstderr."},
                {"command = \"cat\"\nport = 70000\n", "2: Invalid --port 70000: must be between 0 and 65535."},
                {"command = \"cat\"\nmaxframesize = \"1x\"\n", "2: Invalid value for option '--maxframesize'"},
                {"command = []\n", "1: 'command' is empty"},
                {"port = 1\n", " Please specify COMMAND or provide --dir"},
        };
        for (String[] c : cases) {
            String f = file(c[0]);
            ConfigParser.Exit e = exit("--config=" + f);
            assertThat(e.code()).as("exit code for %s", c[0]).isEqualTo(ExitCode.INVALID_CONFIG);
            assertThat(e.stderr()).as("message for %s", c[0]).startsWith(f + ":" + c[1].replace("FILE", f));
        }
        ConfigParser.Exit missing = exit("--config=" + dir.resolve("absent.toml"));
        assertThat(missing.code()).isEqualTo(ExitCode.INVALID_CONFIG);
        assertThat(missing.stderr()).contains("absent.toml: config file not found");
    }

    @Test
    void aConflictFixedOnTheCommandLineIsNoError() throws Exception {
        String f = file("command = \"cat\"\nbinary = true\npassstderr = true\n");
        assertThat(run("--config=" + f, "--passstderr=false").websocket().binary()).isTrue();
        ConfigParser.Exit e = exit("--config=" + f, "--binary=true", "--passstderr=true");
        assertThat(e.stderr()).as("from the command line: no file position")
                .startsWith("Please only specify one of --binary and --passstderr.");
    }

    @Test
    void printConfigShowsEveryOptionAndWhereItCameFromWithSecretsMasked() throws Exception {
        String f = file("""
                port = 8080
                header = ["X-A: 1", "Authorization: Basic c2VjcmV0"]
                command = ["cat", "a \\"quoted\\" arg"]
                """);
        ConfigParser.Exit e = exit("--config=" + f, "--printconfig", "--binary");
        assertThat(e.code()).isZero();
        assertThat(e.stdout())
                .contains("port = 8080  # " + f + ":1\n")
                .contains("binary = true  # command line\n")
                .contains("maxforks = 1024\n")
                .contains("header = [\"X-A: 1\", \"Authorization: ***\"]  # " + f + ":2\n")
                .contains("command = [\"cat\", \"a \\\"quoted\\\" arg\"]  # " + f + ":3\n")
                .doesNotContain("c2VjcmV0");
        // What it prints reads back as the same configuration.
        String printed = file(e.stdout());
        Config again = run("--config=" + printed);
        assertThat(again.listen().port()).isEqualTo(8080);
        assertThat(again.websocket().binary()).isTrue();
        assertThat(again.endpoints().command().args()).containsExactly("a \"quoted\" arg");
    }

    @Test
    void masking() {
        assertThat(PrintConfig.mask("authurl", "http://user:pw@127.0.0.1:9/auth")).isEqualTo(
                "http://user:***@127.0.0.1:9/auth");
        assertThat(PrintConfig.mask("authurl", "http://127.0.0.1:9/a@b")).isEqualTo("http://127.0.0.1:9/a@b");
        assertThat(PrintConfig.mask("header", "Cookie: a=b")).isEqualTo("Cookie: ***");
        assertThat(PrintConfig.mask("header", "X-Api-Key: k")).isEqualTo("X-Api-Key: ***");
        assertThat(PrintConfig.mask("header", "X-Frame-Options: DENY")).isEqualTo("X-Frame-Options: DENY");
    }
}
