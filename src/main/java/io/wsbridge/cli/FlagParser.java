package io.wsbridge.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses argv the way Go's flag package does for websocketd: "-name" and "--name"; "name=value" or
 * "name value" for options with a value; booleans only as "name" or "name=VALUE" (a separate "true" would be
 * COMMAND); the last of a repeated option wins, list options collect; "--" ends the options; the first
 * argument that is not an option is COMMAND and everything after it is left alone ("@file" included).
 * Hand-written rather than picocli's parser, which costs a fresh JVM about a quarter of its start-up; picocli
 * still renders --help, the man page and the completions from the same {@link OptionDef} table.
 */
final class FlagParser {
    /** The command line, as parsed: option values by name (see {@link OptionDef#name()}), then COMMAND. */
    record Parsed(Map<String, Object> values, List<String> command, Map<String, Object> read) {
        Parsed(Map<String, Object> values, List<String> command) {
            this(values, command, new LinkedHashMap<>());
        }

        boolean has(String name) {
            return values.containsKey(name);
        }

        /**
         * The value given, else the option table's default; either way remembered in {@link #read()}
         * (--printconfig). The caller's type is the one {@link #store} gives the option's kind.
         */
        @SuppressWarnings("unchecked")
        <T> T get(String name) {
            T value = (T) (values.containsKey(name) ? values.get(name) : OptionDef.named(name).defaultValue());
            read.put(name, value);
            return value;
        }
    }

    /** The command line is wrong; the message names the option (exit code 2). */
    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message, null, false, false);
        }
    }

    private static final Map<String, OptionDef> BY_SPELLING = new HashMap<>();

    static {
        for (OptionDef d : OptionDef.ALL) {
            BY_SPELLING.put("--" + d.name(), d);
            BY_SPELLING.put("-" + d.name(), d);
            for (String alias : d.aliases()) {
                BY_SPELLING.put(alias, d);
            }
        }
    }

    private FlagParser() {
    }

    static Parsed parse(String[] args) throws UsageException {
        Map<String, Object> values = new LinkedHashMap<>();
        int i = 0;
        while (i < args.length) {
            String arg = args[i];
            if (arg.equals("--")) {
                i++;
                break;
            }
            if (arg.length() < 2 || arg.charAt(0) != '-') {
                break; // COMMAND
            }
            if (arg.startsWith("---")) {
                throw new UsageException("Bad flag syntax: " + arg);
            }
            int eq = arg.indexOf('=');
            String spelling = eq < 0 ? arg : arg.substring(0, eq);
            OptionDef def = BY_SPELLING.get(spelling);
            if (def == null) {
                throw new UsageException("Unknown option: '" + spelling + "'");
            }
            String value;
            if (eq >= 0) {
                value = arg.substring(eq + 1);
            } else if (def.kind() == OptionDef.Kind.FLAG) {
                value = null;
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new UsageException("Missing required parameter for option '" + def.longName() + "' ("
                        + def.paramLabel() + ")");
            }
            store(values, def, value);
            i++;
        }
        List<String> command = new ArrayList<>(args.length - i);
        for (; i < args.length; i++) {
            command.add(args[i]);
        }
        return new Parsed(values, command);
    }

    private static void store(Map<String, Object> values, OptionDef def, String value) throws UsageException {
        switch (def.kind()) {
            case FLAG -> values.put(def.name(), value == null ? Boolean.TRUE : goBool(def, value));
            case INT -> values.put(def.name(), (int) number(def, value, Integer.MIN_VALUE, Integer.MAX_VALUE));
            case LONG -> values.put(def.name(), number(def, value, Long.MIN_VALUE, Long.MAX_VALUE));
            case STRING -> values.put(def.name(), value);
            case LIST -> {
                @SuppressWarnings("unchecked")
                List<String> list = (List<String>) values.computeIfAbsent(def.name(), k -> new ArrayList<String>());
                list.add(value);
            }
            default -> throw new IllegalStateException();
        }
    }

    private static Boolean goBool(OptionDef def, String value) throws UsageException {
        Boolean parsed = parseGoBool(value);
        if (parsed == null) {
            throw invalid(def, value, "is not a boolean (use true or false)");
        }
        return parsed;
    }

    /** Go's strconv.ParseBool spellings, so "--binary=1" works as it does with websocketd; null for others. */
    static Boolean parseGoBool(String value) {
        switch (value) {
            case "1", "t", "T", "true", "TRUE", "True":
                return Boolean.TRUE;
            case "0", "f", "F", "false", "FALSE", "False":
                return Boolean.FALSE;
            default:
                return null;
        }
    }

    private static long number(OptionDef def, String value, long min, long max) throws UsageException {
        try {
            long n = Long.parseLong(value.trim());
            if (n < min || n > max) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw invalid(def, value, def.kind() == OptionDef.Kind.INT ? "is not an int" : "is not a long");
        }
    }

    private static UsageException invalid(OptionDef def, String value, String problem) {
        return new UsageException("Invalid value for option '" + def.longName() + "': '" + value + "' " + problem);
    }
}
