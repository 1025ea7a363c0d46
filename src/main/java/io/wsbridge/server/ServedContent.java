package io.wsbridge.server;

import io.wsbridge.access.OriginPolicy;
import io.wsbridge.cgi.CgiScripts;
import io.wsbridge.cli.CommandSpec;
import io.wsbridge.cli.Config;
import io.wsbridge.devconsole.DevConsole;
import io.wsbridge.http.HttpEndpoint;
import io.wsbridge.http.ResponseHeaders;
import io.wsbridge.logging.LogScope;
import io.wsbridge.paths.ContentRoot;
import io.wsbridge.http.CgiEnvironment;
import io.wsbridge.process.ProcessLauncher;
import io.wsbridge.process.ForkLimiter;
import io.wsbridge.session.LaunchTarget;
import io.wsbridge.session.ScriptDirectory;
import io.wsbridge.session.TargetResolver;
import io.wsbridge.staticfiles.StaticFiles;
import io.wsbridge.websocket.UpgradePolicy;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What the configuration serves, built once at start-up: the WebSocket endpoint (COMMAND, --dir, or none),
 * the checks and headers around upgrades, and the plain HTTP endpoints in websocketd's order of precedence
 * (after an upgrade: dev console, CGI, static files; the router answers 404 after them).
 *
 * @param targets   which program an upgrade runs; null when there is no WebSocket endpoint
 * @param policy    checked before every upgrade (--origin, --sameorigin)
 * @param headers   --header, --header-ws, --header-http
 * @param endpoints plain HTTP endpoints, in order
 * @param mapsPaths  whether URL paths name files (--dir, --staticdir, --cgidir): then "/a/../b" is
 *                   redirected to "/b", as websocketd does
 */
record ServedContent(TargetResolver targets, UpgradePolicy policy, ResponseHeaders headers,
                     List<HttpEndpoint> endpoints, boolean mapsPaths) {
    private static final LogScope LOG = LogScope.of("server");

    static ServedContent from(Config config, ProcessLauncher launcher, CgiEnvironment environment,
                              ForkLimiter forks) throws ListenException {
        Config.Endpoints e = config.endpoints();
        ResponseHeaders headers = new ResponseHeaders(config.headers());
        TargetResolver targets = null;
        if (e.command() != null) {
            targets = singleCommand(e.command());
        } else if (e.scriptDir() != null) {
            targets = new ScriptDirectory(root("--dir", e.scriptDir()));
        }
        List<HttpEndpoint> endpoints = new ArrayList<>();
        if (e.devConsole()) {
            endpoints.add(DevConsole.create(headers));
        }
        ContentRoot cgi = e.cgiDir() == null ? null : root("--cgidir", e.cgiDir());
        if (cgi != null) {
            endpoints.add(new CgiScripts(cgi, launcher, environment, forks, config.children().closeMs(), headers));
        }
        if (e.staticDir() != null) {
            endpoints.add(new StaticFiles(root("--staticdir", e.staticDir()), cgi, headers));
        }
        UpgradePolicy policy = OriginPolicy.from(config.access(), config.tls().enabled());
        boolean mapsPaths = e.scriptDir() != null || e.staticDir() != null || e.cgiDir() != null;
        return new ServedContent(targets, policy, headers, endpoints, mapsPaths);
    }

    /** websocketd's single-command mode: every path runs COMMAND; SCRIPT_NAME is "/", PATH_INFO the path. */
    private static TargetResolver singleCommand(CommandSpec command) {
        return request -> new LaunchTarget(command.name(), command.executable(), command.args(), "/",
                request.path());
    }

    private static ContentRoot root(String flag, Path dir) throws ListenException {
        try {
            return new ContentRoot(dir);
        } catch (IOException e) {
            throw new ListenException(flag + " " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The start-up lines about what is served, as websocketd prints them. */
    static void logServing(Config config) {
        Config.Endpoints e = config.endpoints();
        if (e.command() != null) {
            LOG.info("Serving using application   : {} {}", e.command().name(), String.join(" ", e.command().args()));
        } else if (e.scriptDir() != null) {
            LOG.info("Serving from directory      : {}", e.scriptDir());
        }
        if (e.staticDir() != null) {
            LOG.info("Serving static content from : {}", e.staticDir());
        }
        if (e.cgiDir() != null) {
            LOG.info("Serving CGI scripts from    : {}", e.cgiDir());
        }
    }

    /** The lines for one listening address ("host:port"). */
    static void logListening(Config config, String hostPort) {
        Config.Endpoints e = config.endpoints();
        boolean tls = config.tls().enabled();
        // Printed even without a WebSocket endpoint, as websocketd does: scripts wait for this line.
        LOG.info("Starting WebSocket server   : {}://{}/", tls ? "wss" : "ws", hostPort);
        if (e.devConsole()) {
            LOG.info("Developer console enabled   : {}://{}/", tls ? "https" : "http", hostPort);
        } else if (e.staticDir() != null || e.cgiDir() != null) {
            LOG.info("Serving CGI or static files : {}://{}/", tls ? "https" : "http", hostPort);
        }
    }
}
