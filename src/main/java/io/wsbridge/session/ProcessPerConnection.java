package io.wsbridge.session;

import io.wsbridge.framing.Framing;
import io.wsbridge.http.RequestInfo;
import io.wsbridge.logging.LogScope;
import io.wsbridge.http.CgiEnvironment;
import io.wsbridge.process.ProcessLauncher;
import java.util.List;
import io.wsbridge.http.Refusal;
import io.wsbridge.process.ForkLimiter;

/**
 * The websocketd model, and the one place it is decided: every WebSocket connection gets a child process of
 * its own, counted against --maxforks, and the connection and the child live and die together.
 */
public final class ProcessPerConnection implements BackendFactory {
    /**
     * @param binary     --binary: raw bytes both ways instead of lines
     * @param passStderr --passstderr: stdout and stderr lines as tagged JSON messages
     * @param closeMs    --closems, the extra grace before the signal ladder
     * @param framing    --framing: message boundaries on the pipes (ignored with --binary and --passstderr)
     * @param maxMessage the largest message the program may announce in a length-prefixed header
     */
    public record Settings(boolean binary, boolean passStderr, long closeMs, Framing framing, long maxMessage) {
        public Settings(boolean binary, boolean passStderr, long closeMs) {
            this(binary, passStderr, closeMs, Framing.LINES, Framing.MAX_LENGTH_PREFIXED);
        }

        public Settings(boolean binary, long closeMs) {
            this(binary, false, closeMs);
        }
    }

    private final TargetResolver targets;
    private final ProcessLauncher launcher;
    private final CgiEnvironment environment;
    private final ForkLimiter forks;
    private final Settings settings;
    private final ReverseLookup reverseLookup;

    public ProcessPerConnection(TargetResolver targets, ProcessLauncher launcher, CgiEnvironment environment,
                                ForkLimiter forks, Settings settings) {
        this(targets, launcher, environment, forks, settings, null);
    }

    /** @param reverseLookup where REMOTE_HOST comes from with --reverselookup; null for the address */
    public ProcessPerConnection(TargetResolver targets, ProcessLauncher launcher, CgiEnvironment environment,
                                ForkLimiter forks, Settings settings, ReverseLookup reverseLookup) {
        this.targets = targets;
        this.launcher = launcher;
        this.environment = environment;
        this.forks = forks;
        this.settings = settings;
        this.reverseLookup = reverseLookup;
    }

    @Override
    public PreparedSession prepare(RequestInfo request, String subprotocol) throws Refusal {
        LaunchTarget target = targets.resolve(request);
        if (!forks.tryAcquire()) {
            LogScope.of("http").with("url", request.url())
                    .error("Max of possible forks already active, upgrade rejected");
            throw new Refusal(429, "Too Many Requests");
        }
        List<String> extraEnv = subprotocol == null ? List.of() : List.of("WEBSOCKET_PROTOCOL=" + subprotocol);
        return new PreparedSession() {
            @Override
            public Backend start(ClientEndpoint client) {
                if (reverseLookup == null || !ReverseLookup.applies(request.remoteAddr())) {
                    return launch(client, request.remoteAddr());
                }
                return new StartAfterLookup(client, reverseLookup, request.remoteAddr(),
                        remoteHost -> launch(client, remoteHost), forks::release);
            }

            private Backend launch(ClientEndpoint client, String remoteHost) {
                return ProcessSession.start(client, request, remoteHost, target, extraEnv, launcher, environment,
                        forks, settings);
            }

            @Override
            public void abandon() {
                forks.release();
            }
        };
    }
}
