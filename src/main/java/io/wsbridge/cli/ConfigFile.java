package io.wsbridge.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tomlj.Toml;
import org.tomlj.TomlArray;
import org.tomlj.TomlParseError;
import org.tomlj.TomlParseResult;
import org.tomlj.TomlPosition;
import org.tomlj.TomlTable;

/**
 * --config=FILE: a TOML file whose keys are the long option names ({@code port = 8080},
 * {@code header = ["X-A: 1"]}, {@code command = ["./chat.sh", "--flag with spaces"]}). Read into the same
 * values the command line gives ({@link FlagParser.Parsed}), remembering the line of every key, so that
 * everything wrong with it, including conflicts found later, is reported as FILE:LINE.
 * Only this class touches the TOML library: it is loaded when a config file is used, not otherwise.
 */
final class ConfigFile {
    /** Options that make no sense in a file: they print something, or name the file. */
    private static final Set<String> NOT_IN_FILE = Set.of("help", "version", "license", "config", "printconfig");
    private static final Map<String, OptionDef> BY_NAME = new HashMap<>();

    static {
        for (OptionDef d : OptionDef.ALL) {
            BY_NAME.put(d.name(), d);
        }
    }

    /**
     * @param path    the file as given
     * @param values  option values by name, typed as {@link FlagParser} types them
     * @param command the {@code command} key (program and arguments), empty when absent
     * @param lines   the line of every key
     */
    record Contents(String path, Map<String, Object> values, List<String> command, Map<String, Integer> lines) {
        String where(String name) {
            Integer line = lines.get(name);
            return line == null ? path : path + ":" + line;
        }
    }

    private ConfigFile() {
    }

    static Contents read(String path) throws ConfigException {
        String text;
        try {
            text = Files.readString(Path.of(path));
        } catch (java.nio.file.NoSuchFileException e) {
            throw invalid(path + ": config file not found");
        } catch (java.nio.file.AccessDeniedException e) {
            throw invalid(path + ": config file not readable (permission denied)");
        } catch (IOException | RuntimeException e) {
            throw invalid(path + ": cannot read the config file: " + e);
        }
        TomlParseResult toml = Toml.parse(text);
        if (toml.hasErrors()) {
            TomlParseError first = toml.errors().get(0);
            throw invalid(path + ":" + first.position().line() + ": " + first.getMessage());
        }
        Map<String, Object> values = new LinkedHashMap<>();
        Map<String, Integer> lines = new HashMap<>();
        List<String> command = List.of();
        for (Map.Entry<String, Object> entry : toml.entrySet()) {
            String key = entry.getKey();
            TomlPosition pos = toml.inputPositionOf(List.of(key));
            int line = pos == null ? 0 : pos.line();
            String at = path + ":" + line + ": ";
            lines.put(key, line);
            Object value = entry.getValue();
            if (key.equals("command")) {
                command = command(at, value);
                continue;
            }
            OptionDef def = BY_NAME.get(key);
            if (def == null || NOT_IN_FILE.contains(key)) {
                String why = value instanceof TomlTable ? "unknown table '" + key + "' (options are top-level keys)"
                        : def == null ? "unknown option '" + key + "'" : "'" + key + "' is not allowed in a config file";
                throw invalid(at + why);
            }
            values.put(key, convert(at, def, value));
        }
        return new Contents(path, values, command, lines);
    }

    private static List<String> command(String at, Object value) throws ConfigException {
        if (value instanceof String s) {
            if (s.isBlank()) {
                throw invalid(at + "'command' is empty");
            }
            return List.of(s);
        }
        List<String> list = strings(at, "command", value);
        if (list.isEmpty() || list.get(0).isBlank()) {
            throw invalid(at + "'command' is empty");
        }
        return list;
    }

    private static Object convert(String at, OptionDef def, Object value) throws ConfigException {
        String name = def.name();
        switch (def.kind()) {
            case FLAG:
                if (value instanceof Boolean b) {
                    return b;
                }
                throw wrongType(at, name, "true or false", value);
            case INT:
                if (value instanceof Long n && n >= Integer.MIN_VALUE && n <= Integer.MAX_VALUE) {
                    return n.intValue();
                }
                throw wrongType(at, name, "an integer", value);
            case LONG:
                if (value instanceof Long n) {
                    return n;
                }
                throw wrongType(at, name, "an integer", value);
            case STRING:
                if (value instanceof String s) {
                    return s;
                }
                if (value instanceof Long n) {
                    return Long.toString(n); // maxframesize = 65536
                }
                if (value instanceof TomlArray) {
                    // comma-separated options (origin, subprotocol, passenv, trustproxy) as a list
                    return String.join(",", strings(at, name, value));
                }
                throw wrongType(at, name, "a string", value);
            case LIST:
                if (value instanceof String s) {
                    return new ArrayList<>(List.of(s));
                }
                return new ArrayList<>(strings(at, name, value));
            default:
                throw new IllegalStateException();
        }
    }

    private static List<String> strings(String at, String name, Object value) throws ConfigException {
        if (!(value instanceof TomlArray array)) {
            throw wrongType(at, name, "a list of strings", value);
        }
        List<String> out = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            if (!(array.get(i) instanceof String s)) {
                throw wrongType(at, name, "a list of strings", value);
            }
            out.add(s);
        }
        return out;
    }

    private static ConfigException wrongType(String at, String name, String expected, Object value) {
        return invalid(at + "'" + name + "' must be " + expected + ", not " + describe(value));
    }

    private static String describe(Object value) {
        if (value instanceof String s) {
            return "the string \"" + s + "\"";
        }
        if (value instanceof TomlArray) {
            return "a list";
        }
        if (value instanceof TomlTable) {
            return "a table";
        }
        if (value instanceof Boolean || value instanceof Long || value instanceof Double) {
            return value.toString();
        }
        return "a " + value.getClass().getSimpleName().replace("Offset", "").replace("Local", "").toLowerCase();
    }

    private static ConfigException invalid(String message) {
        return new ConfigException(ExitCode.INVALID_CONFIG, message);
    }
}
