package io.wsbridge.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * --help, from picocli's model ({@link CliSpec}), wrapped once to the width it is shown at: the terminal's
 * (COLUMNS, else what picocli detects on a terminal), else 80 columns. Every description is one paragraph,
 * broken only between words, never inside one, and never so that a line holds a single word after the first
 * (the word before it moves down to keep it company). picocli's own renderer wraps greedily and breaks long
 * words, which is how "--port," and "the" came to stand alone on a line.
 */
public final class HelpText {
    /** Where descriptions start (less on narrow terminals); longer option names put it on the next line. */
    private static final int DESCRIPTION_COLUMN = 30;
    private static final int MIN_WIDTH = 60;
    private static final int MAX_WIDTH = 200;

    private HelpText() {
    }

    /** The width to wrap at: COLUMNS when it is a number, else the terminal's (if any), else 80; clamped. */
    static int width(Map<String, String> environment, CommandSpec spec) {
        int width = -1;
        String columns = environment.get("COLUMNS");
        if (columns != null) {
            try {
                width = Integer.parseInt(columns.trim());
            } catch (NumberFormatException e) {
                width = -1;
            }
        }
        if (width <= 0) {
            width = spec.usageMessage().autoWidth(true).width(); // asks the terminal only when there is one
        }
        return Math.max(MIN_WIDTH, Math.min(MAX_WIDTH, width));
    }

    static String render(CommandSpec spec, int width) {
        StringBuilder out = new StringBuilder("\n");
        paragraph(out, String.join(" ", spec.usageMessage().header()), 0, width);
        out.append("\nUsage:\n");
        for (String line : spec.usageMessage().customSynopsis()) {
            out.append("  ").append(line).append('\n');
        }
        out.append('\n');
        paragraph(out, String.join(" ", spec.usageMessage().description()), 0, width);
        out.append('\n');
        int column = Math.min(DESCRIPTION_COLUMN, width * 3 / 8);
        for (PositionalParamSpec p : spec.positionalParameters()) {
            entry(out, "  " + p.paramLabel() + " [ARGS...]", String.join(" ", p.description()), column, width);
        }
        out.append("\nOptions:\n");
        for (OptionSpec o : spec.options()) {
            entry(out, "  " + names(o), String.join(" ", o.description()), column, width);
        }
        out.append('\n');
        paragraph(out, String.join(" ", spec.usageMessage().footer()), 0, width);
        return out.toString();
    }

    /** "-h, -help, --help" or "-port, --port=PORT": shortest name first, the value label on the last. */
    private static String names(OptionSpec o) {
        List<String> names = new ArrayList<>(Arrays.asList(o.names()));
        names.sort(Comparator.comparingInt(String::length));
        String joined = String.join(", ", names);
        return o.arity().max() > 0 ? joined + "=" + o.paramLabel() : joined;
    }

    /** Names, then the description in its column (on the next line when the names reach into it). */
    private static void entry(StringBuilder out, String names, String description, int column, int width) {
        out.append(names);
        if (names.length() + 2 > column) {
            out.append('\n').append(" ".repeat(column));
        } else {
            out.append(" ".repeat(column - names.length()));
        }
        List<String> lines = wrap(description, width - column);
        for (int i = 0; i < lines.size(); i++) {
            if (i > 0) {
                out.append(" ".repeat(column));
            }
            out.append(lines.get(i)).append('\n');
        }
    }

    private static void paragraph(StringBuilder out, String text, int indent, int width) {
        for (String line : wrap(text, width - indent)) {
            out.append(" ".repeat(indent)).append(line).append('\n');
        }
    }

    /**
     * Words into lines of at most {@code width} characters (a word longer than that gets a line of its own),
     * then, while the last line holds a single word, the word before it moves down when it fits there.
     */
    static List<String> wrap(String text, int width) {
        List<List<String>> lines = new ArrayList<>();
        List<String> line = new ArrayList<>();
        int length = 0;
        for (String word : text.trim().split("\\s+")) {
            if (word.isEmpty()) {
                continue;
            }
            if (!line.isEmpty() && length + 1 + word.length() > width) {
                lines.add(line);
                line = new ArrayList<>();
                length = 0;
            }
            length += (line.isEmpty() ? 0 : 1) + word.length();
            line.add(word);
        }
        if (!line.isEmpty()) {
            lines.add(line);
        }
        for (int i = lines.size() - 1; i > 0; i--) {
            List<String> last = lines.get(i);
            List<String> before = lines.get(i - 1);
            if (last.size() != 1 || before.size() < 3
                    || String.join(" ", last).length() + 1 + before.get(before.size() - 1).length() > width) {
                break;
            }
            last.add(0, before.remove(before.size() - 1));
        }
        List<String> out = new ArrayList<>(lines.size());
        for (List<String> l : lines) {
            out.add(String.join(" ", l));
        }
        return out;
    }
}
