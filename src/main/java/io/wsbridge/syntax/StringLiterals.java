package io.wsbridge.syntax;

/**
 * Double-quoted string literals as JSON and TOML both read them (their basic strings share these escapes):
 * quote, backslash, \n, \r, \t, and \\uXXXX for the other control characters, DEL, and U+2028/U+2029
 * (which some JavaScript parsers take for line ends).
 */
public final class StringLiterals {
    private StringLiterals() {
    }

    public static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 8).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f || c == 0x2028 || c == 0x2029) {
                        b.append(String.format("\\u%04X", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
