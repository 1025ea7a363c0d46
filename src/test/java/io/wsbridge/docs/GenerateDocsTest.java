package io.wsbridge.docs;

import static org.assertj.core.api.Assertions.assertThat;

import io.wsbridge.cli.ConfigParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.Model.OptionSpec;

/** The man page and the completions come from the same model as --help, and work in their tools. */
@Timeout(60)
class GenerateDocsTest {
    @TempDir
    static Path dir;
    static String manPage;

    @BeforeAll
    static void generate() throws IOException {
        GenerateDocs.write(dir);
        manPage = Files.readString(dir.resolve("man/wsbridge.1"));
    }

    private static List<OptionSpec> options() {
        return ConfigParser.newCommandLine().getCommandSpec().options();
    }

    /** What the user sees in --help: every option name in the option column. */
    private static List<String> helpOptionNames() {
        String help = ((ConfigParser.Exit) new ConfigParser(Map.of()).parse("--help")).stdout();
        List<String> names = new ArrayList<>();
        for (String line : help.split("\n")) {
            String trimmed = line.trim();
            if (!trimmed.startsWith("-")) {
                continue;
            }
            String column = trimmed.split(" {2,}")[0]; // names and value label, before the description
            Matcher m = Pattern.compile("(?:^|, )(-{1,2}[a-z][a-z-]*)").matcher(column);
            while (m.find()) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    @Test
    void theManPageHasEveryOptionOfHelpWithItsDescription() {
        List<String> inHelp = helpOptionNames();
        assertThat(inHelp).contains("--port", "-port", "--trustproxy", "--license", "-h").hasSizeGreaterThan(40);
        for (String name : inHelp) {
            assertThat(manPage).as("man page lists %s", name).contains("\\fB" + ManPage.roff(name) + "\\fR");
        }
        for (OptionSpec o : options()) {
            String description = String.join(" ", o.description()).replaceAll("\\s+", " ").trim();
            assertThat(manPage).as("description of %s", o.longestName()).contains(ManPage.roff(description));
            if (o.arity().max() > 0) {
                assertThat(manPage).contains("=\\fI" + ManPage.roff(o.paramLabel()) + "\\fR");
            }
        }
        assertThat(manPage).startsWith(".\\\"").contains(".TH WSBRIDGE 1").contains(".SH EXIT STATUS");
    }

    @Test
    void theCompressedPageIsTheSamePage() throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(Files.newInputStream(dir.resolve("man/wsbridge.1.gz")))) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(manPage);
        }
    }

    @Test
    void groffRendersThePageWithoutAWarning() throws Exception {
        Result r = run(List.of("groff", "-man", "-ww", "-z", "-Tutf8", dir.resolve("man/wsbridge.1").toString()));
        if (r == null) {
            System.out.println("SKIPPED groff check: groff is not installed");
            return;
        }
        assertThat(r.output()).isEmpty();
        assertThat(r.code()).isZero();
    }

    @Test
    void bashCompletesOptionNamesFromTheModel() throws Exception {
        String script = dir.resolve("completion/wsbridge.bash").toString();
        Result r = run(List.of("bash", "-c", "source '" + script + "' 2>/dev/null; "
                + "COMP_WORDS=(wsbridge --trust); COMP_CWORD=1; COMP_LINE='wsbridge --trust'; "
                + "COMP_POINT=${#COMP_LINE}; _complete_wsbridge 2>/dev/null; printf '%s\\n' \"${COMPREPLY[@]}\""));
        assertThat(r.code()).isZero();
        assertThat(r.output().trim()).isEqualTo("--trustproxy");
    }

    @Test
    void zshCompletionNamesEveryOptionAndParses() throws Exception {
        String zsh = Files.readString(dir.resolve("completion/_wsbridge"));
        assertThat(zsh).startsWith("#compdef wsbridge\n");
        for (OptionSpec o : options()) {
            for (String name : o.names()) {
                assertThat(zsh).as("zsh completion of %s", name)
                        .containsPattern("[)*]" + Pattern.quote(name) + "=?\\[");
            }
        }
        Result r = run(List.of("zsh", "-n", dir.resolve("completion/_wsbridge").toString()));
        if (r == null) {
            System.out.println("SKIPPED zsh syntax check: zsh is not installed");
            return;
        }
        assertThat(r.output()).isEmpty();
        assertThat(r.code()).isZero();
    }

    record Result(int code, String output) {
    }

    /** Runs a tool; null when it is not installed. */
    private static Result run(List<String> command) throws Exception {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException notInstalled) {
            return null;
        }
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out);
    }
}
