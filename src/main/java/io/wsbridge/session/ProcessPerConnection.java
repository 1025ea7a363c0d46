package io.wsbridge.session;

import io.wsbridge.http.RequestInfo;
import io.wsbridge.logging.LogScope;
import io.wsbridge.process.CgiEnvironment;
import io.wsbridge.process.ProcessLauncher;

/**
 * The websocketd model, and the one place it is decided: every WebSocket connection gets a child process of
 * its own, counted against --maxforks, and the connection and the child live and die together.
 */
public final class ProcessPerConnection implements BackendFactory {
    /**
     * @param binary     --binary: raw bytes both ways instead of lines
     * @param closeMs    --closems, the extra grace before the signal ladder
     */
    public record Settings(boolean binary, long closeMs) {
    }

    private final TargetResolver targets;
    private final ProcessLauncher launcher;
    private final CgiEnvironment environment;
    private final ForkLimiter forks;
    private final Settings settings;

    public ProcessPerConnection(TargetResolver targets, ProcessLauncher launcher, CgiEnvironment environment,
                                ForkLimiter forks, Settings settings) {
        this.targets = targets;
        this.launcher = launcher;
        this.environment = environment;
        this.forks = forks;
        this.settings = settings;
    }

    @Override
    public PreparedSession prepare(RequestInfo request) throws Refusal {
        LaunchTarget target = targets.resolve(request);
        if (!forks.tryAcquire()) {
            LogScope.of("http").with("url", request.url())
                    .error("Max of possible forks already active, upgrade rejected");
            throw new Refusal(429, "Too Many Requests");
        }
        return new PreparedSession() {
            @Override
            public Backend start(ClientEndpoint client) {
                return ProcessSession.start(client, request, target, launcher, environment, forks, settings);
            }

            @Override
            public void abandon() {
                forks.release();
            }
        };
    }
}
