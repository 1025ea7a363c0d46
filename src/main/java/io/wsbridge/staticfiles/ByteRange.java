package io.wsbridge.staticfiles;

import java.util.Locale;

/**
 * A Range header (RFC 9110 section 14) applied to a file of known length. Only one range is served: a header
 * asking for several, or one that does not parse, is ignored and the whole file is sent (which the RFC
 * allows); a single range that starts at or beyond the end is unsatisfiable (416).
 *
 * @param first first byte (inclusive)
 * @param last  last byte (inclusive)
 */
record ByteRange(long first, long last) {
    /** What a Range header means for a file. */
    sealed interface Outcome permits Whole, Partial, Unsatisfiable {
    }

    record Whole() implements Outcome {
    }

    record Partial(ByteRange range) implements Outcome {
    }

    record Unsatisfiable() implements Outcome {
    }

    long length() {
        return last - first + 1;
    }

    static Outcome of(String header, long fileLength) {
        if (header == null) {
            return new Whole();
        }
        String h = header.trim();
        int eq = h.indexOf('=');
        if (eq < 0 || !h.substring(0, eq).trim().toLowerCase(Locale.ROOT).equals("bytes")) {
            return new Whole();
        }
        String spec = h.substring(eq + 1).trim();
        if (spec.indexOf(',') >= 0) {
            return new Whole();
        }
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return new Whole();
        }
        String a = spec.substring(0, dash).trim();
        String b = spec.substring(dash + 1).trim();
        if (a.isEmpty()) {
            long suffix = number(b);
            if (suffix < 0) {
                return new Whole();
            }
            if (suffix == 0 || fileLength == 0) {
                return new Unsatisfiable();
            }
            return new Partial(new ByteRange(Math.max(0, fileLength - suffix), fileLength - 1));
        }
        long first = number(a);
        long last = b.isEmpty() ? Long.MAX_VALUE : number(b);
        if (first < 0 || last < 0 || last < first) {
            return new Whole();
        }
        if (first >= fileLength) {
            return new Unsatisfiable();
        }
        return new Partial(new ByteRange(first, Math.min(last, fileLength - 1)));
    }

    /** Digits only; -1 when not a number. A number too large for a long counts as "beyond any file". */
    private static long number(String s) {
        if (s.isEmpty()) {
            return -1;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return -1;
            }
        }
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }
}
