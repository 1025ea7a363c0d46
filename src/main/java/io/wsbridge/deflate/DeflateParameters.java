package io.wsbridge.deflate;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A permessage-deflate agreement (RFC 7692), and how the server reaches it: the first offer in the client's
 * Sec-WebSocket-Extensions that is valid is accepted; an offer with an unknown, repeated or malformed
 * parameter is declined (7.1), and so is every other extension. Everything valid is acceptable:
 * a smaller server window than 15 bits is honoured by {@link MessageDeflater} (see there), and any client
 * window can be inflated.
 *
 * @param serverNoContextTakeover the server compresses every message on its own (asked for by the client)
 * @param clientNoContextTakeover the client said it compresses every message on its own (only a hint to us)
 * @param serverMaxWindowBits     the largest LZ77 window our messages may refer back to: 8-15
 * @param clientMaxWindowBits     the client's window if it named one in the offer (8-15), else 15
 */
public record DeflateParameters(boolean serverNoContextTakeover, boolean clientNoContextTakeover,
                                int serverMaxWindowBits, int clientMaxWindowBits, String responseHeader) {
    public static final String NAME = "permessage-deflate";

    /**
     * The agreement for these Sec-WebSocket-Extensions header values (each may list several offers), or
     * null when there is no acceptable permessage-deflate offer.
     */
    public static DeflateParameters negotiate(List<String> headerValues) {
        for (String value : headerValues) {
            for (String offer : splitOutsideQuotes(value, ',')) {
                DeflateParameters accepted = accept(offer);
                if (accepted != null) {
                    return accepted;
                }
            }
        }
        return null;
    }

    /** One offer: "permessage-deflate; param[=value]; ...", or null when it is not one we can accept. */
    static DeflateParameters accept(String offer) {
        List<String> parts = splitOutsideQuotes(offer, ';');
        if (parts.isEmpty() || !parts.get(0).trim().equalsIgnoreCase(NAME)) {
            return null;
        }
        boolean serverNoTakeover = false;
        boolean clientNoTakeover = false;
        int serverBits = -1;
        int clientBits = -1;
        boolean clientBitsOffered = false;
        List<String> seen = new ArrayList<>();
        for (String part : parts.subList(1, parts.size())) {
            String p = part.trim();
            if (p.isEmpty()) {
                return null;
            }
            int eq = p.indexOf('=');
            String name = (eq < 0 ? p : p.substring(0, eq)).trim().toLowerCase(Locale.ROOT);
            String value = eq < 0 ? null : unquote(p.substring(eq + 1).trim());
            if (seen.contains(name)) {
                return null; // a parameter given twice: decline (RFC 7692 7.1)
            }
            seen.add(name);
            switch (name) {
                case "server_no_context_takeover" -> {
                    if (value != null) {
                        return null;
                    }
                    serverNoTakeover = true;
                }
                case "client_no_context_takeover" -> {
                    if (value != null) {
                        return null;
                    }
                    clientNoTakeover = true;
                }
                case "server_max_window_bits" -> {
                    serverBits = windowBits(value);
                    if (serverBits < 0) {
                        return null;
                    }
                }
                case "client_max_window_bits" -> {
                    clientBitsOffered = true;
                    if (value != null) {
                        clientBits = windowBits(value);
                        if (clientBits < 0) {
                            return null;
                        }
                    }
                }
                default -> {
                    return null;
                }
            }
        }
        StringBuilder response = new StringBuilder(NAME);
        if (serverNoTakeover) {
            response.append("; server_no_context_takeover");
        }
        if (clientNoTakeover) {
            response.append("; client_no_context_takeover");
        }
        if (serverBits >= 0) {
            response.append("; server_max_window_bits=").append(serverBits);
        }
        // client_max_window_bits is not answered: the client keeps the window it offered (or 15), which
        // we inflate whatever its size; answering is only allowed when it was offered anyway (7.1.2.2).
        return new DeflateParameters(serverNoTakeover, clientNoTakeover, serverBits < 0 ? 15 : serverBits,
                clientBitsOffered && clientBits > 0 ? clientBits : 15, response.toString());
    }

    /** 8-15 as a plain decimal without leading zero (RFC 7692 7.1.2), else -1. */
    private static int windowBits(String value) {
        if (value == null || !value.matches("[1-9][0-9]?")) {
            return -1;
        }
        int bits = Integer.parseInt(value);
        return bits >= 8 && bits <= 15 ? bits : -1;
    }

    private static String unquote(String v) {
        return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1) : v;
    }

    private static List<String> splitOutsideQuotes(String s, char separator) {
        List<String> out = new ArrayList<>();
        boolean quoted = false;
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == separator && !quoted) {
                out.add(s.substring(start, i));
                start = i + 1;
            }
        }
        out.add(s.substring(start));
        return out;
    }
}
