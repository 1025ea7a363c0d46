package io.wsbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The option table ({@link OptionDef}) is the one source of the options, their help and their defaults; the
 * README's table of options is written by hand for readers, and checked against it here: the same options,
 * and the same default where the help states one.
 */
class ReadmeOptionsTest {
    private static final Pattern ROW = Pattern.compile("^\\| (`--[^|]+?) \\|([^|]*)\\|", Pattern.MULTILINE);
    private static final Pattern NAME = Pattern.compile("`--([a-z-]+)");
    private static final Pattern DEFAULT = Pattern.compile("Default: ([^ .]+(?:\\.[^ .]+)*)");

    /** Option name -> the README's default column. */
    private static Map<String, String> readmeRows() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        Map<String, String> rows = new LinkedHashMap<>();
        Matcher row = ROW.matcher(readme);
        while (row.find()) {
            Matcher name = NAME.matcher(row.group(1));
            while (name.find()) {
                rows.put(name.group(1), row.group(2).trim());
            }
        }
        return rows;
    }

    @Test
    void theReadmeListsEveryOptionAndNoOther() throws Exception {
        assertThat(new TreeSet<>(readmeRows().keySet()))
                .isEqualTo(OptionDef.ALL.stream().map(OptionDef::name).collect(Collectors.toCollection(TreeSet::new)));
    }

    @Test
    void theReadmeStatesTheDefaultTheHelpStates() throws Exception {
        Map<String, String> rows = readmeRows();
        for (OptionDef o : OptionDef.ALL) {
            Matcher d = DEFAULT.matcher(String.join(" ", o.help()));
            if (d.find()) {
                String readmeDefault = rows.get(o.name()).replace("`", "");
                assertThat(readmeDefault).as("README default of --%s", o.name()).startsWith(d.group(1));
            }
        }
    }

    /**
     * The table's defaults are values the parser itself accepts for the option (a default "1m" on an INT option
     * fails here), and a command line that gives nothing leaves every option at its default.
     */
    @Test
    void theTablesDefaultsAreValuesTheParserAccepts() throws Exception {
        int checked = 0;
        for (OptionDef o : OptionDef.ALL) {
            if (o.byDefault() == null || o.byDefault().value() == null) {
                continue;
            }
            FlagParser.Parsed given = FlagParser.parse(new String[] {"--" + o.name() + "=" + o.byDefault().value(), "cat"});
            assertThat((Object) given.get(o.name())).as("--%s", o.name()).isEqualTo(o.defaultValue());
            checked++;
        }
        assertThat(checked).isGreaterThan(10);
        CliOptions nothingGiven = CliOptions.from(FlagParser.parse(new String[] {"cat"}));
        for (OptionDef o : OptionDef.ALL) {
            assertThat(nothingGiven.changed(o.name())).as("--%s", o.name()).isFalse();
        }
        CliOptions oneGiven = CliOptions.from(FlagParser.parse(new String[] {"--slowclient=drop", "cat"}));
        assertThat(oneGiven.changed("slowclient")).isTrue();
        assertThat(oneGiven.slowClient).isEqualTo("drop");
    }
}
