package io.wsbridge.docs;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * A native zsh completion function (_wsbridge, for a directory on $fpath) from the picocli model: every option
 * with its description, values completed by what their label says (files, directories, log levels), and after
 * the options a command and that command's own completion.
 */
public final class ZshCompletion {
    private static final List<String> LOG_LEVELS = List.of("debug", "trace", "access", "info", "error", "fatal",
            "none");

    private ZshCompletion() {
    }

    public static String render(CommandSpec spec) {
        StringBuilder out = new StringBuilder();
        out.append("#compdef wsbridge\n");
        out.append("# Generated from wsbridge's command-line model (io.wsbridge.cli.CliSpec); do not edit.\n\n");
        out.append("_arguments -S \\\n");
        List<OptionSpec> options = new ArrayList<>(spec.options());
        options.sort(Comparator.comparingInt(OptionSpec::order));
        for (OptionSpec o : options) {
            if (o.hidden()) {
                continue;
            }
            String description = quote(bracketSafe(firstSentence(String.join(" ", o.description()))));
            boolean repeatable = o.isMultiValue();
            String exclusion = repeatable ? "*" : "(" + String.join(" ", o.names()) + ")";
            for (String name : o.names()) {
                StringBuilder spec1 = new StringBuilder();
                spec1.append(exclusion).append(name);
                if (o.arity().max() > 0) {
                    spec1.append('=');
                }
                spec1.append('[').append(description).append(']');
                if (o.arity().max() > 0) {
                    spec1.append(':').append(colonSafe(o.paramLabel())).append(':').append(valueAction(o));
                }
                out.append("  '").append(spec1).append("' \\\n");
            }
        }
        out.append("  '1:command:_command_names -e' \\\n");
        out.append("  '*::command arguments:_normal'\n");
        return out.toString();
    }

    /** Completion menus show one line per option: the description's first sentence. */
    static String firstSentence(String text) {
        String t = text.replaceAll("\\s+", " ").trim();
        int end = t.indexOf(". ");
        return end < 0 ? t : t.substring(0, end + 1);
    }

    private static String valueAction(OptionSpec o) {
        String label = o.paramLabel().toUpperCase(Locale.ROOT);
        if (label.equals("LEVEL")) {
            return "(" + String.join(" ", LOG_LEVELS) + ")";
        }
        if (label.equals("DIR")) {
            return "_files -/";
        }
        if (label.equals("FILE") || label.equals("PATH")) {
            return "_files";
        }
        return " ";
    }

    /** Inside single quotes: a quote is written '\''. */
    private static String quote(String s) {
        return s.replace("'", "'\\''");
    }

    /** _arguments descriptions end at ']': keep brackets out of them. */
    private static String bracketSafe(String s) {
        return s.replace("[", "(").replace("]", ")");
    }

    /** The message part of an _arguments spec ends at ':'. */
    private static String colonSafe(String s) {
        return quote(s.replace(":", "\\:").replace("[", "(").replace("]", ")"));
    }
}
