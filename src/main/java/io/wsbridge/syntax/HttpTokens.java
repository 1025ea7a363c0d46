package io.wsbridge.syntax;

/** RFC 7230 tokens: header names, subprotocol names. */
public final class HttpTokens {
    private HttpTokens() {
    }

    /** Whether {@code s} is a non-empty token (letters, digits and {@code !#$%&'*+-.^_`|~}). */
    public static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
