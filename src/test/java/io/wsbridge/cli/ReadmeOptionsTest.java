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
            Matcher d = DEFAULT.matcher(String.join(" ", o.description()));
            if (d.find()) {
                String readmeDefault = rows.get(o.name()).replace("`", "");
                assertThat(readmeDefault).as("README default of --%s", o.name()).startsWith(d.group(1));
            }
        }
    }

    /**
     * The parser's defaults (the initial values in {@link CliOptions}) are the ones the help states: a default
     * changed in one place and not the other fails here.
     */
    @Test
    void theParsersDefaultsAreTheOnesTheHelpStates() throws Exception {
        CliOptions defaults = CliOptions.from(FlagParser.parse(new String[] {"cat"}));
        int checked = 0;
        for (OptionDef o : OptionDef.ALL) {
            Matcher d = DEFAULT.matcher(String.join(" ", o.description()));
            if (!d.find()) {
                continue;
            }
            java.lang.reflect.Field field = fieldOf(o.name());
            Object value = field.get(defaults);
            String stated = d.group(1);
            String actual = String.valueOf(value);
            if (o.name().equals("port")) {
                actual = "0".equals(actual) ? "80" : actual; // websocketd's 0, documented as what it means
            }
            if (value instanceof java.util.List<?> list && list.isEmpty()) {
                actual = "all"; // "Default: all interfaces."
            }
            assertThat(actual).as("--%s: parser default vs help's 'Default: %s'", o.name(), stated).isEqualTo(stated);
            checked++;
        }
        assertThat(checked).isGreaterThan(10);
    }

    private static java.lang.reflect.Field fieldOf(String option) {
        String name = option.replace("-", "");
        for (java.lang.reflect.Field f : CliOptions.class.getDeclaredFields()) {
            if (f.getName().equalsIgnoreCase(name) || f.getName().equalsIgnoreCase(name + "s")
                    || f.getName().equalsIgnoreCase(name + "es")) {
                f.setAccessible(true);
                return f;
            }
        }
        throw new AssertionError("no CliOptions field for --" + option);
    }
}
