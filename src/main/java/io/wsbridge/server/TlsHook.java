package io.wsbridge.server;

import io.netty.channel.ChannelPipeline;
import io.wsbridge.cli.Config;
import io.wsbridge.tls.ServerTls;
import io.wsbridge.tls.TlsSetupException;
import java.util.function.Consumer;

/**
 * Loads --ssl's TLS context. A class of its own so that nothing TLS-related (not even the exception type,
 * which the verifier would load with the class that catches it) is loaded when --ssl is not given.
 */
final class TlsHook {
    private TlsHook() {
    }

    /**
     * @param hook   puts TLS first on each connection's pipeline
     * @param reload SIGHUP: reads the certificate and key again
     */
    record Loaded(Consumer<ChannelPipeline> hook, Runnable reload) {
    }

    /** The TLS set-up; a file that cannot be used is a ListenException. */
    static Loaded load(Config.Tls tls) throws ListenException {
        try {
            ServerTls server = ServerTls.load(tls);
            return new Loaded(server::addTo, server::reload);
        } catch (TlsSetupException e) {
            throw new ListenException(e.getMessage(), e);
        }
    }
}
