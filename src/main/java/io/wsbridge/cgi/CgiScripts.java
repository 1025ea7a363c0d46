package io.wsbridge.cgi;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.ReferenceCountUtil;
import io.wsbridge.http.AccessLog;
import io.wsbridge.http.HttpEndpoint;
import io.wsbridge.http.HttpResponses;
import io.wsbridge.http.RequestInfo;
import io.wsbridge.http.ResponseHeaders;
import io.wsbridge.logging.LogScope;
import io.wsbridge.paths.ContentRoot;
import io.wsbridge.paths.UrlPath;
import io.wsbridge.http.CgiEnvironment;
import io.wsbridge.process.LaunchSpec;
import io.wsbridge.process.ProcessLauncher;
import io.wsbridge.process.ForkLimiter;
import java.nio.file.Files;
import java.util.List;
import java.util.Optional;

/**
 * --cgidir: CGI/1.1 scripts (RFC 3875). The URL is walked from the directory as for --dir: the first segment
 * that is a regular file is the script, and what follows is PATH_INFO. Only executable files are scripts;
 * anything else (missing, a directory, not executable, a dotfile, a symlink out of the directory, a hostile
 * path spelling) is not taken here and falls through to the static files, which never serve what is inside
 * the CGI directory, and then to 404. Any method is passed on. Each script counts against --maxforks (429
 * when none is free) and runs in its own process group, in its own directory, with the environment of
 * {@link CgiVariables}.
 */
public final class CgiScripts implements HttpEndpoint {
    private static final LogScope HTTP = LogScope.of("http");

    private final ContentRoot root;
    private final CgiEnvironment environment;
    private final CgiExchange.Setup setup;

    public CgiScripts(ContentRoot root, ProcessLauncher launcher, CgiEnvironment environment, ForkLimiter forks,
                      long closeMs, ResponseHeaders headers) {
        this.root = root;
        this.environment = environment;
        this.setup = new CgiExchange.Setup(launcher, forks, closeMs, headers);
    }

    @Override
    public boolean accept(ChannelHandlerContext ctx, HttpRequest request, RequestInfo info) {
        Optional<ContentRoot.Script> found = UrlPath.parse(info.uri()).flatMap(root::findScript);
        if (found.isEmpty()) {
            return false;
        }
        ContentRoot.Script script = found.get();
        if (!Files.isExecutable(script.realPath())) {
            if (HTTP.debugEnabled()) {
                HTTP.with("url", info.url()).with("id", info.id()).debug("CGI: {} is not executable", script.file());
            }
            return false;
        }
        LogScope log = HTTP.with("url", info.url()).with("id", info.id()).with("remote", info.remoteAddr())
                .with("cgiscript", script.file());
        String expect = request.headers().get(HttpHeaderNames.EXPECT);
        if (expect != null && !expect.trim().equalsIgnoreCase("100-continue")) {
            reply(ctx, request, info, HttpResponseStatus.EXPECTATION_FAILED, "417 Expectation Failed");
            return true;
        }
        if (!setup.forks().tryAcquire()) {
            log.error("Fork not allowed since maxforks amount has been reached. CGI was not run.");
            reply(ctx, request, info, HttpResponseStatus.TOO_MANY_REQUESTS, "429 Too Many Requests");
            return true;
        }
        List<String> env = CgiVariables.of(environment, info, script, root);
        LaunchSpec spec = new LaunchSpec(script.realPath(), List.of(script.file().toString()), env,
                script.realPath().getParent());
        CgiExchange.start(ctx, request, spec, log, setup);
        return true;
    }

    @Override
    public void content(ChannelHandlerContext ctx, HttpContent content) {
        CgiExchange exchange = CgiExchange.of(ctx.channel());
        if (exchange == null) {
            ReferenceCountUtil.release(content);
            return;
        }
        exchange.body(content);
    }

    private void reply(ChannelHandlerContext ctx, HttpRequest request, RequestInfo info, HttpResponseStatus status,
                       String body) {
        FullHttpResponse r = HttpResponses.text(status, body);
        setup.headers().addToPlain(r.headers());
        AccessLog.log(info, status.code(), "CGI");
        HttpResponses.send(ctx, request, r, false);
    }
}
