package io.wsbridge.http;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Builds {@link RequestInfo} from Netty's request and channel. */
public final class RequestInfos {
    private RequestInfos() {
    }

    public static RequestInfo from(Channel channel, HttpRequest request, String id, boolean tls) {
        return from(channel, request, id, tls, TrustedProxies.NONE);
    }

    /** @param proxies --trustproxy: from these peers REMOTE_ADDR comes from X-Forwarded-For / X-Real-IP */
    public static RequestInfo from(Channel channel, HttpRequest request, String id, boolean tls,
                                   TrustedProxies proxies) {
        String uri = request.uri();
        int q = uri.indexOf('?');
        String rawPath = q < 0 ? uri : uri.substring(0, q);
        String rawQuery = q < 0 ? "" : uri.substring(q + 1);
        int hash = rawQuery.indexOf('#');
        if (hash >= 0) {
            rawQuery = rawQuery.substring(0, hash);
        }
        String path = decodePath(rawPath);
        List<Map.Entry<String, String>> headers = new ArrayList<>(request.headers().size());
        request.headers().forEach(h -> headers.add(new AbstractMap.SimpleImmutableEntry<>(h.getKey(), h.getValue())));
        Peer remote = peer(channel.remoteAddress());
        Peer local = peer(channel.localAddress());
        String client = proxies.isEmpty() ? remote.addr : proxies.clientAddress(remote.addr,
                request.headers().getAll("X-Forwarded-For"), request.headers().get("X-Real-IP"));
        Object gate = channel.pipeline().get(Identity.STAGE); // a constant: inlined, loads nothing
        Identity who = gate == null ? null : ((Identity.Source) gate).identity();
        return new RequestInfo(id, request.method().name(), uri, path, rawQuery,
                request.protocolVersion().text(), headers, client, remote.port, local.addr, local.port, tls,
                who == null ? "" : who.authType(), who == null ? "" : who.user());
    }

    /** Percent-decodes a path ('+' stays '+'); an absolute-form target (http://host/p) yields its path. */
    static String decodePath(String rawPath) {
        String p = rawPath;
        int scheme = p.indexOf("://");
        if (scheme > 0 && !p.startsWith("/")) {
            int slash = p.indexOf('/', scheme + 3);
            p = slash < 0 ? "/" : p.substring(slash);
        }
        try {
            return QueryStringDecoder.decodeComponent(p.replace("+", "%2B"));
        } catch (IllegalArgumentException e) {
            return p; // malformed escapes are kept as they are
        }
    }

    private record Peer(String addr, int port) {
    }

    private static Peer peer(SocketAddress address) {
        if (address instanceof InetSocketAddress inet) {
            String host = inet.getAddress() != null ? inet.getAddress().getHostAddress() : inet.getHostString();
            int zone = host.indexOf('%');
            if (zone >= 0) {
                host = host.substring(0, zone);
            }
            return new Peer(host, inet.getPort());
        }
        return new Peer("unix-socket", 0);
    }
}
