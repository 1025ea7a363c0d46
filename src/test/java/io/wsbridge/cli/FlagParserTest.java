package io.wsbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The start-up parser and picocli's model (--help, man page, completions) read a command line the same way. */
class FlagParserTest {
    private static final List<String[]> SAMPLES = List.of(
            new String[] {"--port=8080", "cat"},
            new String[] {"-port", "81", "--binary", "cat", "--port=1"},
            new String[] {"--binary=false", "--ssl=1", "--sslcert", "c.pem", "-sslkey=k.pem", "x"},
            new String[] {"--address=127.0.0.1", "--address", "[::1]", "-header=A: b", "--header", "C: d", "cmd"},
            new String[] {"--closems=250", "--maxforks", "-3", "--pingms=1000", "--", "--not-a-flag"},
            new String[] {"--loglevel", "debug", "--passenv=A,B", "--origin=http://x", "--dir=d"},
            new String[] {"--binary", "true", "cat"},
            new String[] {"--port=1", "--port=2", "-"},
            new String[] {"--devconsole", "--staticdir=s", "--header-ws=X: y", "--header-http=Z: w"});

    @Test
    void agreesWithPicocliOnEveryOption() throws Exception {
        for (String[] args : SAMPLES) {
            FlagParser.Parsed ours = FlagParser.parse(args);
            CommandLine.ParseResult theirs = ConfigParser.newCommandLine().parseArgs(args);
            for (OptionDef d : OptionDef.ALL) {
                Object expected = theirs.matchedOptionValue(d.longName(), null);
                Object actual = ours.has(d.name()) ? ours.values().get(d.name()) : null;
                if (expected instanceof String[] list) {
                    expected = List.of(list);
                }
                assertThat(actual).as("%s in %s", d.longName(), String.join(" ", args)).isEqualTo(expected);
            }
            List<String> theirCommand = theirs.hasMatchedPositional(0)
                    ? List.of((String[]) theirs.matchedPositional(0).getValue()) : List.of();
            assertThat(ours.command()).as("COMMAND of %s", String.join(" ", args)).isEqualTo(theirCommand);
        }
    }

    @Test
    void refusesWhatGoRefusesNamingTheFlag() {
        assertThatThrownBy(() -> FlagParser.parse(new String[] {"--nope", "cat"})).hasMessageContaining("'--nope'");
        assertThatThrownBy(() -> FlagParser.parse(new String[] {"--port"})).hasMessageContaining("--port");
        assertThatThrownBy(() -> FlagParser.parse(new String[] {"--port=x", "cat"}))
                .hasMessageContaining("--port").hasMessageContaining("'x'");
        assertThatThrownBy(() -> FlagParser.parse(new String[] {"--ssl=yes", "cat"})).hasMessageContaining("--ssl");
        assertThatThrownBy(() -> FlagParser.parse(new String[] {"---port=1", "cat"})).hasMessageContaining("---port");
    }
}
