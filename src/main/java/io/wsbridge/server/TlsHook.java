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

    /** What puts TLS first on each connection's pipeline; a file that cannot be used is a ListenException. */
    static Consumer<ChannelPipeline> load(Config.Tls tls) throws ListenException {
        try {
            return ServerTls.pipelineHook(tls);
        } catch (TlsSetupException e) {
            throw new ListenException(e.getMessage(), e);
        }
    }
}
