package io.wsbridge.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * picocli's model of the command line, made from {@link OptionDef}: what --help prints and what the man page and
 * the shell completions are generated from. (Parsing is {@link FlagParser}'s.)
 */
public final class CliSpec {
    private CliSpec() {
    }

    /** Help width when no terminal says otherwise. */
    public static final int DEFAULT_WIDTH = 80;

    /** The model with help rendered {@link #DEFAULT_WIDTH} columns wide. */
    public static CommandSpec build() {
        return build(DEFAULT_WIDTH);
    }

    /**
     * The model with help wrapped to {@code width} columns. Every description is one paragraph here (the
     * table's lines are joined), so picocli wraps it once, at the width it is shown with: text broken by hand
     * for one width breaks again at another, leaving a word or a flag alone on a line.
     */
    public static CommandSpec build(int width) {
        CommandSpec spec = CommandSpec.create().name("wsbridge");
        spec.usageMessage()
                .width(width)
                .sortOptions(false)
                .headerHeading("%n")
                .header("Turn any program that reads stdin and writes stdout into a WebSocket server.")
                .synopsisHeading("%nUsage:%n  ")
                .customSynopsis("wsbridge [options] COMMAND [command args]",
                        "  or: wsbridge [options] --dir=DIR")
                .descriptionHeading("%n")
                .description("Each WebSocket connection runs COMMAND in its own process: every text message "
                        + "received becomes a line on its stdin, every line it prints on stdout is sent back as a "
                        + "message.")
                .optionListHeading("%nOptions:%n")
                .footerHeading("%n")
                .footer("Exit codes: 0 ok, 1 invalid configuration, 2 unknown flag or bad value, 3 cannot listen, "
                        + "4 conflicting options. Run 'wsbridge --license' for the license. Documentation: "
                        + "README.md.");
        for (OptionDef d : OptionDef.ALL) {
            String[] names = new String[2 + d.aliases().length];
            names[0] = "--" + d.name();
            names[1] = "-" + d.name();
            System.arraycopy(d.aliases(), 0, names, 2, d.aliases().length);
            OptionSpec.Builder option = OptionSpec.builder(names)
                    .type(switch (d.kind()) {
                        case FLAG -> boolean.class;
                        case INT -> int.class;
                        case LONG -> long.class;
                        case STRING -> String.class;
                        case LIST -> String[].class;
                    })
                    .usageHelp(d.role() == OptionDef.Role.HELP)
                    .versionHelp(d.role() == OptionDef.Role.VERSION)
                    .description(String.join(" ", d.help()));
            if (d.paramLabel() != null) {
                option.paramLabel(d.paramLabel());
            }
            spec.addOption(option.build());
        }
        spec.addPositional(PositionalParamSpec.builder()
                .paramLabel("COMMAND")
                .arity("0..*")
                .type(String[].class)
                .description("Program to run for each connection, then its arguments (passed as they are).")
                .build());
        return spec;
    }
}
