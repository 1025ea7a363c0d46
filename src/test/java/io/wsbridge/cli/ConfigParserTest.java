package io.wsbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.wsbridge.logging.LogLevel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line, parsed the way websocketd parses it. */
class ConfigParserTest {
    private static final Map<String, String> ENV = Map.of("PATH", "/usr/local/bin:/usr/bin:/bin");

    @TempDir
    Path dir;

    private static Config run(String... args) {
        ConfigParser.Outcome o = new ConfigParser(ENV).parse(args);
        assertThat(o).as("outcome of %s", String.join(" ", args)).isInstanceOf(ConfigParser.Run.class);
        return ((ConfigParser.Run) o).config();
    }

    private static ConfigParser.Exit exit(String... args) {
        ConfigParser.Outcome o = new ConfigParser(ENV).parse(args);
        assertThat(o).as("outcome of %s", String.join(" ", args)).isInstanceOf(ConfigParser.Exit.class);
        return (ConfigParser.Exit) o;
    }

    @Test
    void defaultsAreWebsocketdsExceptForTheNewLimits() {
        Config c = run("cat");
        assertThat(c.listen().port()).isEqualTo(80);
        assertThat(c.listen().addresses()).isEmpty();
        assertThat(c.websocket().binary()).isFalse();
        assertThat(c.children().passEnv()).containsExactly("PATH", "LD_LIBRARY_PATH");
        assertThat(c.children().closeMs()).isZero();
        assertThat(c.children().maxForks()).isEqualTo(1024);
        assertThat(c.websocket().maxFrameSize()).isEqualTo(1 << 20);
        assertThat(c.logLevel()).isEqualTo(LogLevel.ACCESS);
        assertThat(c.endpoints().command().name()).isEqualTo("/usr/bin/cat");
        assertThat(c.endpoints().command().executable()).isEqualTo(Path.of("/usr/bin/cat"));
    }

    @Test
    void valuesAttachedOrSeparateAndSingleOrDoubleDash() {
        assertThat(run("--port=8080", "cat").listen().port()).isEqualTo(8080);
        assertThat(run("--port", "8081", "cat").listen().port()).isEqualTo(8081);
        assertThat(run("-port=8082", "cat").listen().port()).isEqualTo(8082);
        assertThat(run("-port", "8083", "cat").listen().port()).isEqualTo(8083);
        assertThat(run("--port=1", "--port=2", "cat").listen().port()).as("last one wins").isEqualTo(2);
        assertThat(run("--port=0", "cat").listen().port()).as("0 means 80").isEqualTo(80);
    }

    @Test
    void addressesRepeatAndKeepIpv6Brackets() {
        assertThat(run("--address=127.0.0.1", "--address", "[::1]", "cat").listen().addresses())
                .containsExactly("127.0.0.1", "[::1]");
    }

    @Test
    void booleansTakeNoSeparateValueButAcceptAttachedOnes() {
        assertThat(run("--binary", "cat").websocket().binary()).isTrue();
        assertThat(run("--binary=true", "cat").websocket().binary()).isTrue();
        assertThat(run("--binary=false", "cat").websocket().binary()).isFalse();
        assertThat(run("-binary=1", "cat").websocket().binary()).isTrue();
        assertThat(run("--binary=F", "cat").websocket().binary()).isFalse();
        Config c = run("--binary", "true", "cat");
        assertThat(c.websocket().binary()).isTrue();
        assertThat(c.endpoints().command().name()).as("'true' is COMMAND, as in websocketd").isEqualTo("/usr/bin/true");
        assertThat(c.endpoints().command().args()).containsExactly("cat");
        assertThat(exit("--binary=yes", "cat").code()).isEqualTo(ExitCode.USAGE);
    }

    @Test
    void everythingAfterCommandBelongsToIt() {
        Config c = run("--port=9000", "cat", "--port=1", "-x", "@file", "--", "--binary");
        assertThat(c.listen().port()).isEqualTo(9000);
        assertThat(c.websocket().binary()).isFalse();
        assertThat(c.endpoints().command().args()).containsExactly("--port=1", "-x", "@file", "--", "--binary");
        assertThat(run("--", "cat", "a").endpoints().command().args()).containsExactly("a");
    }

    @Test
    void relativeCommandsKeepTheirSpellingAndResolveToAbsolutePaths() throws Exception {
        Path script = dir.resolve("run.sh");
        Files.writeString(script, "#!/bin/sh\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        Config c = run(script.toString());
        assertThat(c.endpoints().command().executable()).isEqualTo(script);
    }

    @Test
    void otherSettings() {
        Config c = run("--passenv=A,B", "--closems=250", "--maxforks=0", "--maxframesize=512k",
                "--loglevel=debug", "cat");
        assertThat(c.children().passEnv()).containsExactly("A", "B");
        assertThat(c.children().closeMs()).isEqualTo(250);
        assertThat(c.children().forksLimited()).isFalse();
        assertThat(c.websocket().maxFrameSize()).isEqualTo(512 * 1024);
        assertThat(c.logLevel()).isEqualTo(LogLevel.DEBUG);
        assertThat(run("--maxframesize=0", "cat").websocket().maxFrameSize()).isZero();
        assertThat(run("--maxframesize=16m", "cat").websocket().maxFrameSize()).isEqualTo(16L << 20);
        assertThat(run("--maxforks=-1", "cat").children().forksLimited()).isFalse();
        assertThat(run("--loglevel=none", "cat").logLevel()).isEqualTo(LogLevel.NONE);
    }

    @Test
    void helpVersionAndLicenseExitZero() {
        ConfigParser.Exit help = exit("--help");
        assertThat(help.code()).isZero();
        assertThat(help.stdout()).contains("--port", "--address", "--binary", "--passenv", "--closems",
                "--maxforks", "--maxframesize", "--loglevel", "COMMAND");
        assertThat(exit("-h").code()).isZero();
        ConfigParser.Exit version = exit("--version");
        assertThat(version.code()).isZero();
        assertThat(version.stdout()).startsWith("wsbridge ");
        ConfigParser.Exit license = exit("--license");
        assertThat(license.code()).isZero();
        assertThat(license.stdout()).contains("Redistribution");
    }

    @Test
    void unknownFlagsAndUnparseableValuesExitTwoNamingTheFlag() {
        ConfigParser.Exit e = exit("--bogus", "cat");
        assertThat(e.code()).isEqualTo(ExitCode.USAGE);
        assertThat(e.stderr()).contains("--bogus");
        e = exit("--port=abc", "cat");
        assertThat(e.code()).isEqualTo(ExitCode.USAGE);
        assertThat(e.stderr()).contains("--port").contains("abc");
        e = exit("--maxframesize=lots", "cat");
        assertThat(e.code()).isEqualTo(ExitCode.USAGE);
        assertThat(e.stderr()).contains("--maxframesize");
        e = exit("--closems=-5", "cat");
        assertThat(e.code()).isEqualTo(ExitCode.INVALID_CONFIG);
        assertThat(e.stderr()).contains("--closems");
        assertThat(exit("--port").code()).as("missing value").isEqualTo(ExitCode.USAGE);
    }

    @Test
    void invalidConfigurationsExitOneWithAMessage() throws Exception {
        assertThat(exit().stderr()).contains("arguments are missing");
        assertThat(exit().code()).isEqualTo(ExitCode.INVALID_CONFIG);
        assertThat(exit("--port=8080").stderr()).contains("COMMAND");
        assertThat(exit("--port=70000", "cat").stderr()).contains("--port");
        assertThat(exit("--loglevel=loud", "cat").stderr()).contains("loglevel").contains("loud");
        ConfigParser.Exit missing = exit("no-such-program-anywhere");
        assertThat(missing.code()).isEqualTo(ExitCode.INVALID_CONFIG);
        assertThat(missing.stderr()).contains("Unable to locate specified COMMAND 'no-such-program-anywhere'");
        Path plain = dir.resolve("plain.txt");
        Files.writeString(plain, "not a program");
        ConfigParser.Exit notExec = exit(plain.toString());
        assertThat(notExec.code()).isEqualTo(ExitCode.INVALID_CONFIG);
        assertThat(notExec.stderr()).contains("not executable");
        assertThat(exit(dir.toString()).stderr()).contains("directory");
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {
        "dead.beef.cafe.face", "a.b.c.d", "1.2.3", "1.2.3.4.5", "1.2.3.256", "01.2.3.4", "1.2.3.4/33", "1.2.3.4/",
        "::1/129", "fe80::/x", "localhost", "1.2.3.4.",
    })
    void trustproxyRefusesAnythingButAddressesAndBlocks(String entry) {
        assertThat(exit("--trustproxy=" + entry, "cat").code()).as(entry).isEqualTo(ExitCode.INVALID_CONFIG);
    }

    @Test
    void trustproxyTakesAddressesAndBlocksOfBothFamilies() {
        assertThat(run("--trustproxy=10.0.0.0/8,192.168.1.10,::1,fd00::/8,[2001:db8::1],0.0.0.0/0", "cat")
                .access().trustedProxies()).hasSize(6);
    }
}
