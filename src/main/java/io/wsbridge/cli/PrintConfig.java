package io.wsbridge.cli;

import io.wsbridge.syntax.StringLiterals;
import java.util.List;
import java.util.Locale;


/**
 * --printconfig: the effective configuration as a TOML file that --config would read back, every option with
 * its value (default or given); given ones say where from. Secrets are masked: a password in a URL and the
 * values of headers that carry credentials.
 */
final class PrintConfig {
    private static final List<String> NOT_PRINTED = List.of("help", "version", "license", "config", "printconfig");

    private PrintConfig() {
    }

    /** @param origin where a value was given (FILE:LINE or "command line"), or null for a default */
    static String render(CliOptions options, java.util.function.Function<String, String> origin) {
        StringBuilder out = new StringBuilder("# wsbridge effective configuration (").append(Version.line())
                .append(")\n");
        for (OptionDef d : OptionDef.ALL) {
            if (NOT_PRINTED.contains(d.name()) || !options.effective.containsKey(d.name())) {
                continue;
            }
            Object value = options.effective.get(d.name());
            if (value == null) {
                out.append("# ").append(d.name()).append(" is not set\n");
                continue;
            }
            out.append(d.name()).append(" = ").append(toml(d.name(), value));
            String from = origin.apply(d.name());
            if (from != null) {
                out.append("  # ").append(from);
            }
            out.append('\n');
        }
        if (!options.command.isEmpty()) {
            out.append("command = ").append(toml("command", options.command));
            String from = origin.apply("command");
            if (from != null) {
                out.append("  # ").append(from);
            }
            out.append('\n');
        }
        return out.toString();
    }

    private static String toml(String name, Object value) {
        if (value instanceof List<?> list) {
            StringBuilder b = new StringBuilder("[");
            for (Object item : list) {
                if (b.length() > 1) {
                    b.append(", ");
                }
                b.append(quote(mask(name, item.toString())));
            }
            return b.append(']').toString();
        }
        if (value instanceof String s) {
            return quote(mask(name, s));
        }
        return value.toString();
    }

    /** What must not be printed: a URL's password, and the value of a header that carries credentials. */
    static String mask(String name, String value) {
        if (name.startsWith("header")) {
            int colon = value.indexOf(':');
            String header = (colon < 0 ? value : value.substring(0, colon)).trim().toLowerCase(Locale.ROOT);
            if (colon >= 0 && (header.contains("auth") || header.contains("cookie") || header.contains("token")
                    || header.contains("secret") || header.contains("key"))) {
                return value.substring(0, colon + 1) + " ***";
            }
            return value;
        }
        int scheme = value.indexOf("://");
        int at = value.indexOf('@');
        if (scheme > 0 && at > scheme) {
            int slash = value.indexOf('/', scheme + 3);
            if (slash < 0 || at < slash) {
                String userInfo = value.substring(scheme + 3, at);
                int colon = userInfo.indexOf(':');
                String user = colon < 0 ? userInfo : userInfo.substring(0, colon);
                return value.substring(0, scheme + 3) + user + ":***" + value.substring(at);
            }
        }
        return value;
    }

    /** A TOML basic string. */
    static String quote(String s) {
        return StringLiterals.quote(s);
    }

}
