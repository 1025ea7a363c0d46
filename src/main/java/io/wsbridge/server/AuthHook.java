package io.wsbridge.server;

import io.netty.channel.Channel;
import io.wsbridge.auth.AuthFileException;
import io.wsbridge.auth.AuthSetup;
import io.wsbridge.cli.Config;

/**
 * Loads authentication (--basicauth, --tokenfile, --authurl). A class of its own so that nothing of it (not even
 * the exception type, which the verifier would load with the class that catches it) is loaded without them.
 */
final class AuthHook {
    private AuthHook() {
    }

    /** A file that cannot be used (it names the line) stops start-up as a ListenException. */
    static AuthSetup load(Config.Auth auth, Class<? extends Channel> socketChannel) throws ListenException {
        try {
            return AuthSetup.load(auth, socketChannel);
        } catch (AuthFileException e) {
            throw new ListenException(e.getMessage(), e, io.wsbridge.cli.ExitCode.INVALID_CONFIG);
        }
    }
}
