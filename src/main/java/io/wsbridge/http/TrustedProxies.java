package io.wsbridge.http;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * --trustproxy: the reverse proxies whose word about the client's address is believed.
 *
 * <p>When a request arrives from a peer inside one of the trusted blocks, the client's address is taken from
 * the request headers, in this order:
 * <ol>
 *   <li>{@code X-Forwarded-For} (every such header, in order, as one comma-separated list): walking it from
 *       the right, each address that is itself a trusted proxy is skipped, and the first one that is not is
 *       the client (the right-most untrusted address). Proxies append the address they received the request
 *       from, so everything to the left of that entry was written by the client and may be forged. When every
 *       entry is trusted, the left-most is taken. An entry that is not an IP address (such as "unknown")
 *       ends the walk: then the peer's own address is used.</li>
 *   <li>Without {@code X-Forwarded-For}: {@code X-Real-IP}, when it is one IP address.</li>
 *   <li>Otherwise the peer's address.</li>
 * </ol>
 * From any other peer both headers are ignored. Addresses may carry a port ({@code 192.0.2.1:5000},
 * {@code [2001:db8::1]:5000}); it is dropped. Nothing is ever looked up in DNS.
 */
public final class TrustedProxies {
    public static final TrustedProxies NONE = new TrustedProxies(List.of());

    private final List<Block> blocks;

    private TrustedProxies(List<Block> blocks) {
        this.blocks = List.copyOf(blocks);
    }

    /** @param entries --trustproxy entries as validated by the command line: ADDR or ADDR/BITS */
    public static TrustedProxies of(List<String> entries) {
        List<Block> blocks = new ArrayList<>();
        for (String entry : entries) {
            int slash = entry.indexOf('/');
            byte[] address = parseAddress(slash < 0 ? entry : entry.substring(0, slash));
            if (address == null) {
                throw new IllegalArgumentException("not an IP address: " + entry);
            }
            int bits = slash < 0 ? address.length * 8 : Integer.parseInt(entry.substring(slash + 1));
            blocks.add(new Block(address, bits));
        }
        return new TrustedProxies(blocks);
    }

    public boolean isEmpty() {
        return blocks.isEmpty();
    }

    /** Whether the address (a literal, as Java prints peer addresses) is a trusted proxy. */
    public boolean trusts(String address) {
        byte[] a = parseAddress(address);
        return a != null && trusts(a);
    }

    private boolean trusts(byte[] address) {
        for (Block b : blocks) {
            if (b.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The client's address for a request from {@code peer}.
     *
     * @param peer         the TCP peer's address
     * @param forwardedFor every X-Forwarded-For header value, in order
     * @param realIp       the X-Real-IP header, or null
     */
    public String clientAddress(String peer, List<String> forwardedFor, String realIp) {
        if (blocks.isEmpty() || !trusts(peer)) {
            return peer;
        }
        if (!forwardedFor.isEmpty()) {
            return fromForwardedFor(peer, forwardedFor);
        }
        if (realIp != null) {
            byte[] real = parseAddress(stripPort(realIp.trim()));
            return real == null ? peer : format(real);
        }
        return peer;
    }

    private String fromForwardedFor(String peer, List<String> values) {
        List<String> hops = new ArrayList<>();
        for (String value : values) {
            for (String hop : value.split(",", -1)) {
                hops.add(hop.trim());
            }
        }
        byte[] leftmost = null;
        for (int i = hops.size() - 1; i >= 0; i--) {
            byte[] hop = parseAddress(stripPort(hops.get(i)));
            if (hop == null) {
                return peer; // a chain we cannot follow is not believed
            }
            if (!trusts(hop)) {
                return format(hop);
            }
            leftmost = hop;
        }
        return leftmost == null ? peer : format(leftmost);
    }

    /** "a.b.c.d:port" -> "a.b.c.d"; "[v6]:port" and "[v6]" -> "v6"; anything else as it is. */
    static String stripPort(String hop) {
        if (hop.startsWith("[")) {
            int close = hop.indexOf(']');
            return close < 0 ? hop : hop.substring(1, close);
        }
        int colon = hop.indexOf(':');
        if (colon >= 0 && hop.indexOf(':', colon + 1) < 0) {
            return hop.substring(0, colon); // exactly one colon: IPv4 with a port
        }
        return hop;
    }

    /**
     * The bytes of an IPv4 or IPv6 literal (IPv4-mapped IPv6 addresses become IPv4), or null when the text is
     * not one. Strictly a parser: never a DNS lookup.
     */
    static byte[] parseAddress(String text) {
        String t = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        int zone = t.indexOf('%');
        if (zone >= 0) {
            t = t.substring(0, zone);
        }
        byte[] bytes = NetUtil.createByteArrayFromIpAddressString(t);
        if (bytes == null) {
            return null;
        }
        if (bytes.length == 16 && isIpv4Mapped(bytes)) {
            return Arrays.copyOfRange(bytes, 12, 16);
        }
        return bytes;
    }

    private static boolean isIpv4Mapped(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
    }

    /** Printed the way peer addresses are (InetAddress#getHostAddress), so logs and REMOTE_ADDR agree. */
    private static String format(byte[] address) {
        try {
            return InetAddress.getByAddress(address).getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // only for a wrong length, which parseAddress never returns
        }
    }

    /** An address block: the first {@code bits} bits of {@code prefix}. */
    private record Block(byte[] prefix, int bits) {
        boolean contains(byte[] address) {
            if (address.length != prefix.length) {
                return false;
            }
            int full = bits / 8;
            for (int i = 0; i < full; i++) {
                if (address[i] != prefix[i]) {
                    return false;
                }
            }
            int rest = bits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = 0xff << (8 - rest);
            return (address[full] & mask) == (prefix[full] & mask);
        }
    }
}
