package io.wsbridge.auth;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.wsbridge.cli.Config;
import io.wsbridge.http.RequestIds;
import io.wsbridge.http.TrustedProxies;
import io.wsbridge.logging.LogScope;

/**
 * Authentication as configured (--basicauth, --tokenfile, --authurl), built once at start-up: the files are
 * read now (a file that cannot be used stops start-up, naming its line), then each connection gets an
 * {@link AuthGate} in front of its router.
 */
public final class AuthSetup {
    private final Authenticator authenticator;

    private AuthSetup(Authenticator authenticator) {
        this.authenticator = authenticator;
    }

    public static AuthSetup load(Config.Auth auth, Class<? extends Channel> socketChannel) throws AuthFileException {
        ReloadingFile<Htpasswd> htpasswd = auth.basicAuth() == null ? null
                : new ReloadingFile<>(auth.basicAuth(), Htpasswd::read);
        ReloadingFile<TokenFile> tokens = auth.tokenFile() == null ? null
                : new ReloadingFile<>(auth.tokenFile(), TokenFile::read);
        ForwardAuth forward = auth.url() == null ? null
                : new ForwardAuth(auth.url(), auth.timeoutMs(), auth.cacheMs(), socketChannel);
        LogScope log = LogScope.of("auth");
        if (htpasswd != null) {
            log.info("Basic authentication        : {} ({} users)", auth.basicAuth(), htpasswd.get().size());
        }
        if (tokens != null) {
            log.info("Bearer tokens               : {} ({} tokens)", auth.tokenFile(), tokens.get().size());
        }
        if (forward != null) {
            log.info("Forward authentication      : {}", auth.url().getHost() + ":" + auth.url().getPort()
                    + auth.url().getRawPath());
        }
        return new AuthSetup(new Authenticator(htpasswd, tokens, forward, auth.realm()));
    }

    /** The "auth" stage for one connection. */
    public ChannelHandler newGate(RequestIds ids, boolean tls, TrustedProxies proxies) {
        return new AuthGate(authenticator, ids, tls, proxies);
    }

    /** SIGHUP: read the htpasswd and token files again (a broken new version is logged, the old one kept). */
    public void reload() {
        authenticator.reload();
    }

    public void close() {
        authenticator.close();
    }
}
