package io.wsbridge.session;

import io.wsbridge.http.RequestInfo;
import io.wsbridge.logging.LogScope;
import io.wsbridge.paths.ContentRoot;
import io.wsbridge.paths.UrlPath;
import java.nio.file.Files;
import java.util.List;
import java.util.Optional;
import io.wsbridge.http.Refusal;

/**
 * --dir: every executable file under a directory is a WebSocket endpoint at its path. The URL's segments are
 * walked from the directory, and the first one that is a regular file is the program: SCRIPT_NAME is the path
 * up to it, PATH_INFO the rest (websocketd's rule). Unlike websocketd, which answers 101 and then fails to start
 * a file that is not executable, everything is checked before the upgrade: a missing file, a directory, a file
 * that is not executable, a dotfile, a symlink leading out of the directory or a hostile path spelling all get
 * 404 and no child is started. The program runs with no arguments, as in websocketd.
 */
public final class ScriptDirectory implements TargetResolver {
    private static final LogScope LOG = LogScope.of("session");

    private final ContentRoot root;

    public ScriptDirectory(ContentRoot root) {
        this.root = root;
    }

    @Override
    public LaunchTarget resolve(RequestInfo request) throws Refusal {
        Optional<UrlPath> url = UrlPath.parse(request.uri());
        if (url.isEmpty()) {
            throw notFound(request, "path refused");
        }
        ContentRoot.Script script = root.findScript(url.get())
                .orElseThrow(() -> notFound(request, "no script on this path"));
        if (!Files.isExecutable(script.realPath())) {
            throw notFound(request, script.file() + " is not executable");
        }
        return new LaunchTarget(script.file().toString(), script.realPath(), List.of(), script.scriptName(),
                script.pathInfo());
    }

    private static Refusal notFound(RequestInfo request, String why) {
        if (LOG.debugEnabled()) {
            LOG.with("url", request.url()).with("id", request.id()).debug("Script not found: {}", why);
        }
        return new Refusal(404, "script not found");
    }
}
