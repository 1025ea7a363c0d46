package io.wsbridge.cgi;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AttributeKey;
import io.wsbridge.http.HttpResponses;
import io.wsbridge.http.ResponseHeaders;
import io.wsbridge.logging.LogScope;
import io.wsbridge.process.ChildLifecycle;
import io.wsbridge.process.ChildProcess;
import io.wsbridge.process.ExitStatus;
import io.wsbridge.process.LaunchException;
import io.wsbridge.process.LaunchSpec;
import io.wsbridge.process.ProcessLauncher;
import io.wsbridge.process.ForkLimiter;
import io.wsbridge.process.StderrLog;
import java.util.Map;

/**
 * One CGI request: the script's process and the HTTP exchange, joined on the connection's event loop.
 *
 * <p>The request body streams to the script's stdin (reading the socket pauses while stdin is full); the
 * script's output is read as a header block ({@link CgiHeaderParser}), then streams to the client as the body
 * (reading stdout pauses while the socket cannot take more). The body is framed by the script's
 * Content-Length when it gives one (extra output is dropped; too little closes the connection), else chunked
 * on a keep-alive HTTP/1.1 connection, else by closing the connection. A malformed header block is answered
 * with 502 and the script is ended. If the client goes away first, stdin is closed and the kill ladder ends
 * the script's process group. Fork slot, ladder and pipes are the script's {@link ChildLifecycle}'s: the slot
 * is held until the script has been reaped, and after a normal end anything the script left running in its
 * group is left alone (a CGI may start background work).
 */
final class CgiExchange implements ChildLifecycle.Owner {
    private static final AttributeKey<CgiExchange> CURRENT = AttributeKey.valueOf("wsbridge.cgi.exchange");

    private enum State { HEADERS, BODY, DONE }

    /** What the exchange needs besides the request. */
    record Setup(ProcessLauncher launcher, ForkLimiter forks, long closeMs, ResponseHeaders headers) {
    }

    private final ChannelHandlerContext ctx;
    private final HttpRequest request;
    private final Setup setup;
    private final LogScope log;
    private final CgiHeaderParser parser = new CgiHeaderParser();
    private final ChannelFutureListener onClientGone = f -> clientGone();
    private ChildLifecycle life;
    private ChildProcess child;
    private String script;
    private StderrLog stderr;
    private State state = State.HEADERS;
    /** Body bytes the script's Content-Length still allows; -1 when it gave none. */
    private long remaining = -1;
    private boolean bodyless;
    private boolean keepAlive;
    private boolean stdoutOpen = true;
    private boolean stdoutPaused;
    private boolean readingPaused;
    private boolean released;

    private CgiExchange(ChannelHandlerContext ctx, HttpRequest request, Setup setup, LogScope log) {
        this.ctx = ctx;
        this.request = request;
        this.setup = setup;
        this.log = log;
    }

    /** The exchange whose script is still running on this connection, or null. */
    static CgiExchange of(Channel channel) {
        return channel.attr(CURRENT).get();
    }

    /**
     * Starts the script (the caller has taken a fork slot, which this exchange now owns). Must be called on the
     * connection's event loop.
     */
    static void start(ChannelHandlerContext ctx, HttpRequest request, LaunchSpec spec, LogScope log, Setup setup) {
        CgiExchange exchange = new CgiExchange(ctx, request, setup, log);
        exchange.script = spec.executable().toString();
        ctx.channel().attr(CURRENT).set(exchange);
        ctx.channel().closeFuture().addListener(exchange.onClientGone);
        // Returns at once; the request body is held until the script runs (started() or startFailed()).
        exchange.life = ChildLifecycle.launch(setup.launcher(), spec, ctx.channel().eventLoop(), setup.forks(),
                setup.closeMs(), ChildLifecycle.AfterExit.LEAVE_GROUP, exchange);
        exchange.child = exchange.life.pipes();
        if (!exchange.released && HttpUtil.is100ContinueExpected(request)) {
            ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
        }
    }

    @Override
    public void started() {
        stderr = new StderrLog(log.with("pid", child.pid()));
    }

    @Override
    public void startFailed(LaunchException e) {
        log.category("process").error("Could not launch CGI script {} ({})", script, e.getMessage());
        released = true;
        if (state == State.HEADERS) {
            state = State.DONE;
            sendError(HttpResponseStatus.INTERNAL_SERVER_ERROR, "500 Internal Server Error");
        }
        resumeReading();
        ctx.channel().closeFuture().removeListener(onClientGone);
        ctx.channel().attr(CURRENT).compareAndSet(this, null);
    }

    // ---- client -> script ----

    /** A part of the request body (ownership passes). */
    void body(HttpContent content) {
        boolean last = content instanceof LastHttpContent;
        try {
            if (!released && content.content().isReadable()) {
                child.queueStdin(content.content().retain());
            }
        } finally {
            content.release();
        }
        if (released) {
            return;
        }
        if (!child.flushStdin()) {
            readingPaused = true;
            ctx.channel().config().setAutoRead(false);
        }
        if (last) {
            child.closeStdin();
        }
    }

    @Override
    public void stdinDrained() {
        resumeReading();
    }

    private void resumeReading() {
        if (readingPaused) {
            readingPaused = false;
            ctx.channel().config().setAutoRead(true);
        }
    }

    // ---- script -> client ----

    @Override
    public void stdout(ByteBuf chunk) {
        if (state == State.DONE) {
            chunk.release();
            return;
        }
        if (state == State.HEADERS) {
            CgiHeaderParser.Result result = parser.feed(chunk);
            if (result instanceof CgiHeaderParser.Malformed m) {
                badGateway(m.reason());
                return;
            }
            if (!(result instanceof CgiHeaderParser.Complete complete)) {
                return;
            }
            if (!sendHead(complete.head())) {
                complete.rest().release();
                return;
            }
            chunk = complete.rest();
        }
        writeBody(chunk);
    }

    private boolean sendHead(CgiHead head) {
        HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1,
                new HttpResponseStatus(head.status(), head.reason()));
        try {
            for (Map.Entry<String, String> h : head.headers()) {
                response.headers().add(h.getKey(), h.getValue());
            }
        } catch (IllegalArgumentException e) {
            badGateway("invalid header: " + e.getMessage());
            return false;
        }
        setup.headers().addToPlain(response.headers());
        bodyless = request.method().equals(HttpMethod.HEAD) || head.status() == 204 || head.status() == 304;
        boolean clientKeepsAlive = HttpUtil.isKeepAlive(request);
        if (head.contentLength() >= 0 || bodyless) {
            remaining = head.contentLength();
            keepAlive = clientKeepsAlive;
        } else if (clientKeepsAlive && request.protocolVersion().equals(HttpVersion.HTTP_1_1)) {
            response.headers().set("Transfer-Encoding", HttpHeaderValues.CHUNKED);
            keepAlive = true;
        } else {
            keepAlive = false;
        }
        if (!keepAlive) {
            response.headers().set("Connection", HttpHeaderValues.CLOSE);
        } else if (request.protocolVersion().equals(HttpVersion.HTTP_1_0)) {
            response.headers().set("Connection", HttpHeaderValues.KEEP_ALIVE);
        }
        log.with("status", head.status()).access("CGI");
        state = State.BODY;
        ctx.write(response);
        return true;
    }

    private void writeBody(ByteBuf data) {
        if (bodyless || remaining == 0 || !data.isReadable()) {
            data.release();
            return;
        }
        if (remaining > 0) {
            if (data.readableBytes() > remaining) {
                data.writerIndex(data.readerIndex() + (int) remaining);
            }
            remaining -= data.readableBytes();
        }
        ChannelFuture written = ctx.write(new DefaultHttpContent(data));
        if (!ctx.channel().isWritable() && !stdoutPaused) {
            // The socket is full: stop reading stdout (the script blocks) until this write has gone out.
            stdoutPaused = true;
            child.pauseStdout();
            ctx.flush();
            written.addListener(f -> resumeOutput());
        }
    }

    private void resumeOutput() {
        if (stdoutPaused) {
            stdoutPaused = false;
            if (!released) {
                child.resumeStdout();
            }
        }
    }

    @Override
    public void stdoutReadComplete() {
        if (state != State.HEADERS) {
            ctx.flush();
        }
    }

    @Override
    public void stdoutClosed() {
        stdoutOpen = false;
        if (state == State.HEADERS) {
            badGateway(parser.endOfOutput().reason());
        } else if (state == State.BODY) {
            endResponse();
        }
        life.done();
    }

    private void endResponse() {
        state = State.DONE;
        if (!bodyless && remaining > 0) {
            log.error("CGI script ended {} bytes short of its Content-Length", remaining);
            ctx.flush();
            ctx.close();
            return;
        }
        ChannelFuture f = ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        if (!keepAlive) {
            f.addListener(ChannelFutureListener.CLOSE);
        }
    }

    private void badGateway(String reason) {
        log.error("CGI: malformed header from script: {}", reason);
        state = State.DONE;
        sendError(HttpResponseStatus.BAD_GATEWAY, "502 Bad Gateway");
        stopScript();
    }

    private void sendError(HttpResponseStatus status, String body) {
        FullHttpResponse r = HttpResponses.text(status, body);
        setup.headers().addToPlain(r.headers());
        log.with("status", status.code()).access("CGI");
        HttpResponses.send(ctx, request, r, false);
    }

    @Override
    public void stderr(ByteBuf chunk) {
        stderr.accept(chunk);
    }

    @Override
    public void stderrClosed() {
        stderr.finish();
    }

    // ---- endings ----

    @Override
    public void exited(ExitStatus status) {
        if (!status.success()) {
            log.category("process").debug("CGI script {}", status.describe());
        }
    }

    private void clientGone() {
        if (released) {
            return;
        }
        state = State.DONE;
        stopScript();
    }

    /** Its output is no longer wanted: stdin closed, stdout drained and dropped, the ladder for the group. */
    private void stopScript() {
        resumeOutput();
        life.end();
    }

    @Override
    public void released() {
        released = true;
        resumeReading();
        ctx.channel().closeFuture().removeListener(onClientGone);
        ctx.channel().attr(CURRENT).compareAndSet(this, null);
    }
}
