package io.wsbridge.session;

import io.wsbridge.framing.Framing;
import io.wsbridge.http.CgiEnvironment;
import io.wsbridge.http.Refusal;
import io.wsbridge.http.RequestInfo;
import io.wsbridge.logging.LogScope;
import io.wsbridge.process.ForkLimiter;
import io.wsbridge.process.LaunchSpec;
import io.wsbridge.process.ProcessLauncher;
import java.util.ArrayList;
import java.util.List;

/**
 * The websocketd model, and the one place it is decided: every WebSocket connection gets a child process of
 * its own, counted against --maxforks, and the connection and the child live and die together (a
 * {@link Session} joining the client to a {@link ChildProgram}).
 */
public final class ProcessPerConnection implements SessionStrategy {
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

        /** The same, for a program that serves a room. */
        public ChildProgram.Settings program() {
            return new ChildProgram.Settings(binary, passStderr, closeMs, framing, maxMessage);
        }
    }

    private final TargetResolver targets;
    private final ProcessLauncher launcher;
    private final CgiEnvironment environment;
    private final ForkLimiter forks;
    private final Settings settings;
    private final ReverseLookup reverseLookup;
    private final LogScope sessions;

    public ProcessPerConnection(TargetResolver targets, ProcessLauncher launcher, CgiEnvironment environment,
                                ForkLimiter forks, Settings settings) {
        this(targets, launcher, environment, forks, settings, null);
    }

    /** @param reverseLookup where REMOTE_HOST comes from with --reverselookup; null for the address */
    public ProcessPerConnection(TargetResolver targets, ProcessLauncher launcher, CgiEnvironment environment,
                                ForkLimiter forks, Settings settings, ReverseLookup reverseLookup) {
        this(targets, launcher, environment, forks, settings, reverseLookup, LogScope.of("session"));
    }

    /** @param sessions where the sessions' lines go (the start-up rehearsal's: nowhere) */
    public ProcessPerConnection(TargetResolver targets, ProcessLauncher launcher, CgiEnvironment environment,
                                ForkLimiter forks, Settings settings, ReverseLookup reverseLookup, LogScope sessions) {
        this.sessions = sessions;
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
            sessions.category("http").with("url", request.url())
                    .error("Max of possible forks already active, upgrade rejected");
            throw new Refusal(429, "Too Many Requests");
        }
        List<String> extraEnv = subprotocol == null ? List.of() : List.of("WEBSOCKET_PROTOCOL=" + subprotocol);
        return new PreparedSession() {
            @Override
            public ClientEvents start(ClientEndpoint client) {
                if (reverseLookup == null || !ReverseLookup.applies(request.remoteAddr())) {
                    return startSession(client, request, request.remoteAddr(), target, extraEnv);
                }
                return new StartAfterLookup(client, reverseLookup, request.remoteAddr(),
                        remoteHost -> startSession(client, request, remoteHost, target, extraEnv), forks::release);
            }

            @Override
            public void abandon() {
                forks.release();
            }
        };
    }

    /**
     * @param remoteHost REMOTE_HOST (the address, or its name with --reverselookup)
     * @param extraEnv   further NAME=value variables (WEBSOCKET_PROTOCOL)
     */
    private ClientEvents startSession(ClientEndpoint client, RequestInfo request, String remoteHost, LaunchTarget target,
                               List<String> extraEnv) {
        LogScope log = sessions
                .with("url", request.url())
                .with("id", request.id())
                .with("remote", request.remoteAddr())
                .with("command", target.displayName());
        if (request.origin() != null) {
            log = log.with("origin", request.origin());
        }
        List<String> argv = new ArrayList<>(1 + target.args().size());
        argv.add(target.displayName());
        argv.addAll(target.args());
        List<String> env = environment.forRequest(request, remoteHost, target.scriptName(), target.pathInfo(),
                extraEnv);
        LaunchSpec spec = new LaunchSpec(target.executable(), argv, env);
        LogScope sessionLog = log;
        return Session.start(client, log, events -> ChildProgram.launch(spec, target.displayName(),
                settings.program(), launcher, forks, client.eventLoop(), client.alloc(), sessionLog, events));
    }
}
