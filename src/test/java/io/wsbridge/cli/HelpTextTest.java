package io.wsbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** --help is wrapped once, to the width it is shown at, with no word or flag left alone on a line. */
@Timeout(60)
class HelpTextTest {
    private static String help(Map<String, String> environment) {
        ConfigParser.Outcome o = new ConfigParser(environment).parse("--help");
        assertThat(o).isInstanceOf(ConfigParser.Exit.class);
        return ((ConfigParser.Exit) o).stdout();
    }

    /**
     * What is wrong with the rendering at {@code width}: a line too long, or a continuation line (one that
     * goes on with the text of the line above) holding a single word, such as "--port," or "the".
     */
    static List<String> problems(String help, int width) {
        List<String> problems = new ArrayList<>();
        String[] lines = help.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.length() > width) {
                problems.add("longer than " + width + ": " + line);
            }
            boolean continuation = i > 0 && !lines[i - 1].isBlank() && !line.isBlank()
                    && !line.stripLeading().startsWith("-") // an option's first line
                    && !lines[i - 1].strip().endsWith(":") // the line after "Usage:" / "Options:"
                    && !line.stripLeading().startsWith("or:")
                    && !(lines[i - 1].startsWith("  -") && lines[i - 1].strip().split(" {2,}").length == 1);
            if (continuation && line.strip().split("\\s+").length == 1) {
                problems.add("a lone word on a continuation line: '" + line.strip() + "' after '"
                        + lines[i - 1].strip() + "'");
            }
        }
        return problems;
    }

    @Test
    void eightyColumnsFromColumnsHasNoLoneWordsAndNothingPastTheEdge() {
        String help = help(Map.of("COLUMNS", "80"));
        assertThat(problems(help, 80)).isEmpty();
        // The descriptions the issue saw broken mid-sentence now read on.
        assertThat(help).contains("it, when neither --port, --address nor --redirport")
                .contains("HTTP request, to try the endpoint at the same URL.");
        assertThat(help.lines().mapToInt(String::length).max().orElse(0)).isBetween(75, 80);
    }

    @Test
    void everyWidthIsFilledOnceWithoutLoneWords() {
        for (int width = 60; width <= 160; width++) {
            String help = help(Map.of("COLUMNS", Integer.toString(width)));
            assertThat(problems(help, width)).as("at %d columns", width).isEmpty();
        }
        int wide = help(Map.of("COLUMNS", "140")).lines().mapToInt(String::length).max().orElse(0);
        assertThat(wide).as("a wide terminal gets wide lines").isGreaterThan(120);
        assertThat(help(Map.of()).lines().mapToInt(String::length).max().orElse(0))
                .as("no terminal, no COLUMNS: 80").isLessThanOrEqualTo(80);
    }

    @Test
    void wrappingKeepsWordsWholeAndMovesAWordDownToKeepALastOneCompany() {
        assertThat(HelpText.wrap("aaa bbb ccc ddd", 11)).containsExactly("aaa bbb", "ccc ddd");
        assertThat(HelpText.wrap("one {\"a\":\"b\"|\"c\"} two", 8)).containsExactly("one", "{\"a\":\"b\"|\"c\"}", "two");
        assertThat(HelpText.wrap("a b c d e f g", 100)).containsExactly("a b c d e f g");
    }

    /** As users run it: the real launcher's JVM with COLUMNS=80. */
    @Test
    void theProgramPrintsTheEightyColumnHelp() throws Exception {
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), "io.wsbridge.Main", "--help");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("COLUMNS", "80");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        assertThat(out).contains("--unixsocket=PATH", "Options:");
        assertThat(problems(out, 80)).isEmpty();
    }
}
