package io.wsbridge.framing;

import java.util.Locale;

/**
 * --framing: where one message ends and the next begins on the program's pipes (both directions).
 * {@code --binary} is not a framing: it keeps websocketd's meaning (raw chunks, no boundaries at all).
 */
public enum Framing {
    /** One text message per line ("\n", a "\r" before it dropped), as websocketd does. The default. */
    LINES("lines"),
    /** One text message per NUL-terminated record (like websocat -0): messages may contain newlines. */
    NUL("nul"),
    /**
     * Each message, both ways, is a 4-byte big-endian header (bit 31 set for binary, bits 0-30 the payload
     * length) followed by the payload: boundaries and types survive exactly, text and binary mix.
     */
    LENGTH_PREFIXED("lengthprefixed");

    /** The largest payload a length-prefixed header can announce (31 bits). */
    public static final long MAX_LENGTH_PREFIXED = 0x7fff_ffffL;

    private final String flagValue;

    Framing(String flagValue) {
        this.flagValue = flagValue;
    }

    /** How it is spelled on the command line. */
    public String flagValue() {
        return flagValue;
    }

    /** The framing for a --framing value (case-insensitive), or null when there is none of that name. */
    public static Framing parse(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        for (Framing f : values()) {
            if (f.flagValue.equals(v)) {
                return f;
            }
        }
        return null;
    }
}
