package io.wsbridge.rooms;

import io.wsbridge.syntax.StringLiterals;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The --roomjson protocol. The program's stdin gets one object a line ({@code join}, {@code message},
 * {@code leave}); a stdout line that is a JSON object with {@code data} or {@code close} is routed
 * ({@link Route}), any other line is broadcast unchanged. Only what routing needs is parsed: a flat object
 * whose values are kept as their JSON text, strings and lists of strings decoded.
 */
final class RoomJson {
    private RoomJson() {
    }

    /** {@code instance}: with --roombus, the id of the wsbridge instance the client is connected to, else null. */
    static String join(String client, String remote, String query, String instance) {
        return "{\"event\":\"join\",\"client\":" + quote(client) + ",\"remote\":" + quote(remote) + ",\"query\":"
                + quote(query) + (instance == null ? "" : ",\"instance\":" + quote(instance)) + "}";
    }

    static String message(String client, String data) {
        return "{\"event\":\"message\",\"client\":" + quote(client) + ",\"data\":" + quote(data) + "}";
    }

    static String leave(String client, String instance) {
        return "{\"event\":\"leave\",\"client\":" + quote(client)
                + (instance == null ? "" : ",\"instance\":" + quote(instance)) + "}";
    }

    /** What one routed stdout line asks for. */
    sealed interface Route permits Broadcast, To, Except, Close {
    }

    /** {@code {"data":...}}: to everyone. */
    record Broadcast(String data) implements Route {
    }

    /** {@code {"to":"ID" or ["ID",...],"data":...}}: to those clients. */
    record To(List<String> clients, String data) implements Route {
    }

    /** {@code {"except":"ID","data":...}}: to everyone else. */
    record Except(String client, String data) implements Route {
    }

    /** {@code {"close":"ID","code":4000,"reason":"..."}}: that client is closed. */
    record Close(String client, int code, String reason) implements Route {
    }

    /** The route a line asks for, or null when it is to be broadcast unchanged. */
    static Route route(String line) {
        Map<String, Object> o;
        try {
            Parser p = new Parser(line);
            o = p.object();
            p.end();
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (o == null) {
            return null;
        }
        if (o.get("close") instanceof String client) {
            int code = o.get("code") instanceof Raw raw && raw.text().matches("\\d{4}") ? Integer.parseInt(raw.text())
                    : 1000;
            if (code != 1000 && (code < 3000 || code > 4999)) {
                code = 1000; // the codes an application may send
            }
            return new Close(client, code, o.get("reason") instanceof String r ? r : "");
        }
        if (!o.containsKey("data")) {
            return null;
        }
        String data = text(o.get("data"));
        Object to = o.get("to");
        if (to instanceof String one) {
            return new To(List.of(one), data);
        }
        if (to instanceof List<?> many) {
            List<String> ids = new ArrayList<>();
            for (Object id : many) {
                if (id instanceof String s) {
                    ids.add(s);
                }
            }
            return new To(ids, data);
        }
        if (o.get("except") instanceof String except) {
            return new Except(except, data);
        }
        return new Broadcast(data);
    }

    /** A string value as its text; anything else as its JSON. */
    private static String text(Object value) {
        if (value instanceof String s) {
            return s;
        }
        if (value instanceof Raw raw) {
            return raw.text();
        }
        if (value instanceof List<?> list) {
            StringBuilder b = new StringBuilder("[");
            for (Object o : list) {
                if (b.length() > 1) {
                    b.append(',');
                }
                b.append(o instanceof String s ? quote(s) : ((Raw) o).text());
            }
            return b.append(']').toString();
        }
        return "null";
    }

    /** JSON string literal. */
    static String quote(String s) {
        return StringLiterals.quote(s);
    }

    /** A value kept as its JSON text (numbers, objects, true, false, null). */
    private record Raw(String text) {
    }

    /** Just enough JSON: the top-level object's members; nested values are kept as text. */
    private static final class Parser {
        private final String s;
        private int i;

        Parser(String s) {
            this.s = s;
        }

        Map<String, Object> object() {
            skipSpace();
            if (i >= s.length() || s.charAt(i) != '{') {
                return null;
            }
            i++;
            Map<String, Object> members = new LinkedHashMap<>();
            skipSpace();
            if (peek() == '}') {
                i++;
                return members;
            }
            while (true) {
                skipSpace();
                String key = string();
                skipSpace();
                expect(':');
                skipSpace();
                members.put(key, value(true));
                skipSpace();
                char c = next();
                if (c == '}') {
                    return members;
                }
                if (c != ',') {
                    throw new IllegalArgumentException("expected , or }");
                }
            }
        }

        void end() {
            skipSpace();
            if (i != s.length()) {
                throw new IllegalArgumentException("trailing text");
            }
        }

        /** A value: strings decoded; at the top level, arrays as lists; anything else as its text. */
        private Object value(boolean top) {
            char c = peek();
            if (c == '"') {
                return string();
            }
            int start = i;
            if (c == '[' && top) {
                i++;
                List<Object> items = new ArrayList<>();
                skipSpace();
                if (peek() == ']') {
                    i++;
                    return items;
                }
                while (true) {
                    skipSpace();
                    items.add(value(false));
                    skipSpace();
                    char d = next();
                    if (d == ']') {
                        return items;
                    }
                    if (d != ',') {
                        throw new IllegalArgumentException("expected , or ]");
                    }
                }
            }
            if (c == '{' || c == '[') {
                skipNested();
            } else {
                while (i < s.length() && "-+.eE0123456789truefalsn".indexOf(s.charAt(i)) >= 0) {
                    i++;
                }
                if (i == start) {
                    throw new IllegalArgumentException("unexpected " + c);
                }
            }
            return new Raw(s.substring(start, i));
        }

        private void skipNested() {
            int depth = 0;
            do {
                char c = next();
                if (c == '"') {
                    i--;
                    string();
                } else if (c == '{' || c == '[') {
                    depth++;
                } else if (c == '}' || c == ']') {
                    depth--;
                }
            } while (depth > 0);
        }

        private String string() {
            expect('"');
            StringBuilder b = new StringBuilder();
            while (true) {
                char c = next();
                if (c == '"') {
                    return b.toString();
                }
                if (c != '\\') {
                    b.append(c);
                    continue;
                }
                char e = next();
                switch (e) {
                    case '"', '\\', '/' -> b.append(e);
                    case 'b' -> b.append('\b');
                    case 'f' -> b.append('\f');
                    case 'n' -> b.append('\n');
                    case 'r' -> b.append('\r');
                    case 't' -> b.append('\t');
                    case 'u' -> {
                        if (i + 4 > s.length()) {
                            throw new IllegalArgumentException("short \\u escape");
                        }
                        b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                        i += 4;
                    }
                    default -> throw new IllegalArgumentException("bad escape");
                }
            }
        }

        private void skipSpace() {
            while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t' || s.charAt(i) == '\r'
                    || s.charAt(i) == '\n')) {
                i++;
            }
        }

        private char peek() {
            if (i >= s.length()) {
                throw new IllegalArgumentException("unexpected end");
            }
            return s.charAt(i);
        }

        private char next() {
            char c = peek();
            i++;
            return c;
        }

        private void expect(char c) {
            if (next() != c) {
                throw new IllegalArgumentException("expected " + c);
            }
        }
    }
}
