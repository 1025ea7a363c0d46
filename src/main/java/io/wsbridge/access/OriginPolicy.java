package io.wsbridge.access;

import io.wsbridge.cli.Config;
import io.wsbridge.http.RequestInfo;
import io.wsbridge.logging.LogScope;
import io.wsbridge.http.Refusal;
import io.wsbridge.websocket.UpgradePolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * --origin and --sameorigin: which pages may open a WebSocket here, checked before the upgrade (403 when not).
 * websocketd's rules, with host names compared case-insensitively:
 * <ul>
 * <li>--origin=[scheme://]host[:port],...: an entry with a scheme admits only that scheme, one without admits
 * http and https; an entry with a port admits only that port (an origin without a port has its scheme's
 * default: 80 for http, 443 for https), one without admits any port. Host names must be equal, so
 * example.com.evil.org, user info, paths and queries never match.</li>
 * <li>--sameorigin: the origin's host and port must be the Host header's (default port 443 under TLS, else
 * 80).</li>
 * <li>With either set, a request without an Origin header, with several, or with the opaque origin "null" is
 * refused, as websocketd refuses it. With neither set, every origin is accepted.</li>
 * </ul>
 */
public final class OriginPolicy implements UpgradePolicy {
    private static final LogScope LOG = LogScope.of("server");

    /** One --origin entry; scheme null admits http and https, port -1 admits any port. */
    record Allowed(String scheme, String host, int port) {
        boolean admits(Origin o) {
            if (scheme == null ? !(o.scheme().equals("http") || o.scheme().equals("https"))
                    : !scheme.equals(o.scheme())) {
                return false;
            }
            return host.equals(o.host()) && (port < 0 || port == o.port());
        }
    }

    private final List<Allowed> allowed;
    private final boolean sameOrigin;
    private final boolean tls;

    private OriginPolicy(List<Allowed> allowed, boolean sameOrigin, boolean tls) {
        this.allowed = List.copyOf(allowed);
        this.sameOrigin = sameOrigin;
        this.tls = tls;
    }

    /**
     * The policy for the configuration: {@link UpgradePolicy#ALLOW_ALL} when no restriction is set. Logs a
     * warning for scheme-less entries under TLS (they also admit plain-http pages).
     */
    public static UpgradePolicy from(Config.Access access, boolean tls) {
        if (access.origins().isEmpty() && !access.sameOrigin()) {
            return ALLOW_ALL;
        }
        List<Allowed> allowed = new ArrayList<>();
        for (String entry : access.origins()) {
            allowed.add(parseEntry(entry));
            if (tls && !entry.contains("://")) {
                LOG.info("Warning: --origin entry '{}' has no scheme, so it also admits pages served over plain "
                        + "http; write https://{} to admit only secure pages", entry, entry);
            }
        }
        return new OriginPolicy(allowed, access.sameOrigin(), tls);
    }

    static Allowed parseEntry(String entry) {
        int sep = entry.indexOf("://");
        String scheme = sep < 0 ? null : entry.substring(0, sep).toLowerCase(Locale.ROOT);
        Origin parsed = Origin.hostPort(scheme == null ? "" : scheme, sep < 0 ? entry : entry.substring(sep + 3));
        if (parsed == null) {
            throw new IllegalArgumentException("invalid --origin entry '" + entry + "'");
        }
        return new Allowed(scheme, parsed.host(), parsed.explicitPort() ? parsed.port() : -1);
    }

    @Override
    public void check(RequestInfo request) throws Refusal {
        List<String> headers = request.headerValues("Origin");
        if (headers.isEmpty() || headers.get(0).isBlank()) {
            throw forbidden("Origin header missing");
        }
        if (headers.size() > 1) {
            throw forbidden("more than one Origin header");
        }
        Origin origin = Origin.parseHeader(headers.get(0));
        if (origin == null) {
            throw forbidden("Origin parsing error");
        }
        if (sameOrigin) {
            String scheme = tls ? "https" : "http";
            Origin host = Origin.hostPort(scheme, request.host());
            if (host == null) {
                throw forbidden("Request hostname parsing error");
            }
            if (!host.host().equals(origin.host()) || host.port() != origin.port()) {
                throw forbidden("Same origin policy mismatch");
            }
        }
        if (!allowed.isEmpty() && allowed.stream().noneMatch(a -> a.admits(origin))) {
            throw forbidden("Origin is not listed in allowed list");
        }
    }

    private static Refusal forbidden(String why) {
        return new Refusal(403, "Forbidden: " + why);
    }
}
