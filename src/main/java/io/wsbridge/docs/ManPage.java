package io.wsbridge.docs;

import io.wsbridge.cli.Version;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Renders the picocli model (the same one --help prints) as a roff man page (man(7) macros), so the man page
 * cannot drift from --help: every option, its names, value label and description come from the model. Only
 * the sections --help has no room for (environment, files, examples) are written here.
 */
public final class ManPage {
    private ManPage() {
    }

    public static String render(CommandSpec spec) {
        StringBuilder out = new StringBuilder();
        out.append(".\\\" Generated from wsbridge's command-line model (io.wsbridge.cli.CliSpec); do not edit.\n");
        out.append(".TH WSBRIDGE 1 \"\" \"wsbridge ").append(Version.number()).append("\" \"User Commands\"\n");
        out.append(".SH NAME\n");
        String what = lowerFirst(join(spec.usageMessage().header())).replaceAll("\\.$", "");
        out.append("wsbridge \\- ").append(roff(what)).append('\n');

        List<String> synopsis = new ArrayList<>();
        for (String line : spec.usageMessage().customSynopsis()) {
            if (!line.isBlank()) {
                synopsis.add(line.trim());
            }
        }
        out.append(".SH SYNOPSIS\n.nf\n");
        for (String line : synopsis) {
            out.append(roff(line.startsWith("or: ") ? line.substring(4) : line)).append('\n');
        }
        out.append(".fi\n");
        out.append(".SH DESCRIPTION\n");
        out.append(roff(join(spec.usageMessage().description()))).append('\n');
        for (PositionalParamSpec p : spec.positionalParameters()) {
            out.append(".TP\n\\fI").append(roff(p.paramLabel())).append("\\fR [\\fIargs\\fR...]\n");
            out.append(roff(join(p.description()))).append('\n');
        }
        out.append(".PP\n").append(roff("Options stop at the first argument that is not an option: that is COMMAND, "
                + "and everything after it belongs to COMMAND. Every option can be written --name=value, "
                + "--name value, -name=value or -name value.")).append('\n');

        out.append(".SH OPTIONS\n");
        List<OptionSpec> options = new ArrayList<>(spec.options());
        options.sort(Comparator.comparingInt(OptionSpec::order));
        for (OptionSpec o : options) {
            if (o.hidden()) {
                continue;
            }
            out.append(".TP\n").append(optionNames(o)).append('\n');
            out.append(roff(join(o.description()))).append('\n');
        }

        out.append(".SH EXIT STATUS\n");
        out.append(roff(join(spec.usageMessage().footer()))).append('\n');
        out.append(STATIC_SECTIONS);
        return out.toString();
    }

    /** "\fB\-\-port\fR=\fIPORT\fR, \fB\-port\fR=\fIPORT\fR": long names first, as --help shows them. */
    private static String optionNames(OptionSpec o) {
        List<String> names = new ArrayList<>(List.of(o.names()));
        names.sort(Comparator.comparingInt(String::length).reversed());
        List<String> parts = new ArrayList<>();
        for (String name : names) {
            String part = "\\fB" + roff(name) + "\\fR";
            if (o.arity().max() > 0) {
                part += "=\\fI" + roff(o.paramLabel()) + "\\fR";
            }
            parts.add(part);
        }
        return String.join(", ", parts);
    }

    private static String join(String[] lines) {
        return String.join(" ", lines).replaceAll("\\s+", " ").trim();
    }

    private static String lowerFirst(String s) {
        return s.isEmpty() ? s : Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }

    /** Text for a roff text line: backslashes and hyphens escaped, no leading control character. */
    static String roff(String text) {
        String t = text.replace("\\", "\\e").replace("-", "\\-");
        if (t.startsWith(".") || t.startsWith("'")) {
            t = "\\&" + t;
        }
        return t;
    }

    private static final String STATIC_SECTIONS = """
            .SH ENVIRONMENT
            The program gets websocketd's CGI\\-style variables (REMOTE_ADDR, REMOTE_PORT, SERVER_NAME,
            SERVER_PORT, SCRIPT_NAME, PATH_INFO, QUERY_STRING, REQUEST_URI, HTTP_* for every request
            header, ...) and, of wsbridge's own environment, only the variables named by \\fB\\-\\-passenv\\fR.
            The launcher reads:
            .TP
            .B JAVA_HOME
            the Java runtime to use (otherwise a bundled runtime, or \\fBjava\\fR on PATH).
            .TP
            .B JAVA_OPTS
            extra options for the JVM, e.g. \\fB\\-Xmx64m\\fR.
            .SH FILES
            .TP
            .I /usr/share/wsbridge/wsbridge.jar
            the program.
            .TP
            .I /lib/systemd/system/wsbridge@.service
            systemd unit template; \\fBwsbridge@NAME\\fR reads its options from \\fI/etc/wsbridge/NAME.conf\\fR.
            .TP
            .I /usr/share/wsbridge/examples/
            example programs and the HTML pages that talk to them.
            .SH EXAMPLES
            Count to ten for every browser that connects to port 8080:
            .PP
            .RS
            .nf
            wsbridge \\-\\-port=8080 /usr/share/wsbridge/examples/count.sh
            .fi
            .RE
            .PP
            Behind a reverse proxy on the same machine, believing its X\\-Forwarded\\-For:
            .PP
            .RS
            .nf
            wsbridge \\-\\-address=127.0.0.1 \\-\\-port=9001 \\-\\-trustproxy=127.0.0.1 ./chat.sh
            .fi
            .RE
            .SH NOTES
            The program's stdout is a pipe: most languages buffer it, so flush after every line
            (Python: \\fBprint(..., flush=True)\\fR, Perl: \\fB$| = 1\\fR, Ruby: \\fB$stdout.sync = true\\fR,
            C: \\fBfflush(stdout)\\fR), or lines arrive late and in bursts.
            .SH SEE ALSO
            .BR websocketd (1)
            """;
}
