package io.wsbridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Package by feature, and the packages form a hierarchy: no package depends on another that depends back on it,
 * directly or through others. Read from the sources (imports and fully qualified names), so a cycle fails here
 * with its path rather than waiting for a reader to trip over it.
 */
class StructureTest {
    private static final Path MAIN = Path.of("src/main/java/io/wsbridge");
    private static final Pattern REFERENCE = Pattern.compile("\\bio\\.wsbridge\\.((?:[a-z0-9_]+\\.)*?[a-z0-9_]+)\\.[A-Z]");

    /** Package (relative to io.wsbridge, "" for the top) -> the packages it uses. */
    static Map<String, Set<String>> dependencies() throws IOException {
        Map<String, Set<String>> deps = new TreeMap<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String pkg = MAIN.relativize(file.getParent()).toString().replace('/', '.');
                Set<String> uses = deps.computeIfAbsent(pkg, k -> new TreeSet<>());
                Matcher m = REFERENCE.matcher(Files.readString(file));
                while (m.find()) {
                    if (!m.group(1).equals(pkg)) {
                        uses.add(m.group(1));
                    }
                }
            }
        }
        return deps;
    }

    @Test
    void thePackagesFormNoCycle() throws IOException {
        Map<String, Set<String>> deps = dependencies();
        assertThat(deps).containsKeys("cli", "session", "rooms", "process", "websocket", "server");
        List<List<String>> cycles = new ArrayList<>();
        for (String start : deps.keySet()) {
            findCycle(deps, start, new ArrayList<>(List.of(start)), cycles);
        }
        assertThat(cycles).as("package cycles (each a path back to its start)").isEmpty();
    }

    private static void findCycle(Map<String, Set<String>> deps, String start, List<String> path,
                                  List<List<String>> cycles) {
        for (String next : deps.getOrDefault(path.get(path.size() - 1), Set.of())) {
            if (next.equals(start)) {
                List<String> cycle = new ArrayList<>(path);
                cycle.add(start);
                cycles.add(cycle);
            } else if (!path.contains(next) && next.compareTo(start) > 0 && cycles.size() < 20) {
                path.add(next);
                findCycle(deps, start, path, cycles);
                path.remove(path.size() - 1);
            }
        }
    }
}
