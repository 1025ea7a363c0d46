package io.wsbridge.staticfiles;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.DefaultFileRegion;
import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.stream.ChunkedNioFile;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.wsbridge.http.AccessLog;
import io.wsbridge.http.HttpEndpoint;
import io.wsbridge.http.HttpResponses;
import io.wsbridge.http.RequestInfo;
import io.wsbridge.http.ResponseHeaders;
import io.wsbridge.logging.LogScope;
import io.wsbridge.paths.ContentRoot;
import io.wsbridge.paths.UrlPath;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Date;
import java.util.Optional;

/**
 * --staticdir: a plain file server. GET and HEAD only (anything else on an existing file is 405). A directory
 * is served by its index.html, and asked for without its trailing slash it is redirected (301) to it; a
 * directory without index.html is 404, never a listing. Content-Type comes from a built-in table,
 * Last-Modified / If-Modified-Since give 304, and a single Range gives 206 (or 416). Nothing outside the
 * directory is ever served (see {@link UrlPath} and {@link ContentRoot}: no dot segments, no encoded
 * slashes, no dotfiles, no symlinks out), nor anything inside --cgidir (a script's source stays private).
 * Paths that lead nowhere are left to the router's 404.
 *
 * <p>File content is streamed, never loaded: on a plain connection as a FileRegion (sendfile, zero-copy);
 * under TLS, where bytes must pass through the SslHandler, in 64 KiB chunks through a ChunkedWriteHandler
 * added to the connection on first use. Either way the socket's pace sets the reading pace.
 */
public final class StaticFiles implements HttpEndpoint {
    private static final LogScope LOG = LogScope.of("http");
    private static final int CHUNK = 64 * 1024;

    private final ContentRoot root;
    private final ContentRoot excluded;
    private final ResponseHeaders headers;

    /**
     * @param excluded a directory whose content is never served (--cgidir), or null
     */
    public StaticFiles(ContentRoot root, ContentRoot excluded, ResponseHeaders headers) {
        this.root = root;
        this.excluded = excluded;
        this.headers = headers;
    }

    @Override
    public boolean accept(ChannelHandlerContext ctx, HttpRequest request, RequestInfo info) {
        Optional<UrlPath> parsed = UrlPath.parse(info.uri());
        if (parsed.isEmpty()) {
            return false;
        }
        UrlPath url = parsed.get();
        Optional<ContentRoot.Entry> found = root.find(url);
        if (found.isEmpty() || hidden(found.get().realPath())) {
            return false;
        }
        ContentRoot.Entry entry = found.get();
        HttpMethod method = request.method();
        if (!method.equals(HttpMethod.GET) && !method.equals(HttpMethod.HEAD)) {
            FullHttpResponse r = HttpResponses.text(HttpResponseStatus.METHOD_NOT_ALLOWED, "405 Method Not Allowed");
            r.headers().set("Allow", "GET, HEAD");
            reply(ctx, request, info, r);
            return true;
        }
        if (entry.isDirectory()) {
            if (!url.trailingSlash()) {
                FullHttpResponse r = HttpResponses.text(HttpResponseStatus.MOVED_PERMANENTLY, "Moved Permanently");
                String query = info.rawQuery().isEmpty() ? "" : "?" + info.rawQuery();
                r.headers().set("Location", url.encoded(true) + query);
                reply(ctx, request, info, r);
                return true;
            }
            Optional<ContentRoot.Entry> index = root.child(entry.realPath(), "index.html");
            if (index.isEmpty() || hidden(index.get().realPath())) {
                return false;
            }
            entry = index.get();
        }
        return serve(ctx, request, info, entry);
    }

    private boolean hidden(Path realPath) {
        return excluded != null && excluded.contains(realPath);
    }

    private boolean serve(ChannelHandlerContext ctx, HttpRequest request, RequestInfo info, ContentRoot.Entry file) {
        long length = file.attributes().size();
        long modifiedSeconds = file.attributes().lastModifiedTime().toMillis() / 1000;
        String lastModified = DateFormatter.format(new Date(modifiedSeconds * 1000));

        String ifModifiedSince = request.headers().get(HttpHeaderNames.IF_MODIFIED_SINCE);
        Date since = ifModifiedSince == null ? null : DateFormatter.parseHttpDate(ifModifiedSince);
        if (since != null && modifiedSeconds <= since.getTime() / 1000) {
            FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_MODIFIED);
            r.headers().set("Last-Modified", lastModified);
            reply(ctx, request, info, r);
            return true;
        }

        boolean head = request.method().equals(HttpMethod.HEAD);
        ByteRange.Outcome range = head || !rangeStillValid(request, lastModified) ? new ByteRange.Whole()
                : ByteRange.of(request.headers().get(HttpHeaderNames.RANGE), length);
        if (range instanceof ByteRange.Unsatisfiable) {
            FullHttpResponse r = HttpResponses.text(HttpResponseStatus.REQUESTED_RANGE_NOT_SATISFIABLE,
                    "416 Requested Range Not Satisfiable");
            r.headers().set("Content-Range", "bytes */" + length);
            reply(ctx, request, info, r);
            return true;
        }

        FileChannel channel;
        try {
            channel = FileChannel.open(file.realPath(), StandardOpenOption.READ);
        } catch (IOException | SecurityException e) {
            LOG.with("url", info.url()).with("id", info.id()).error("Cannot open {}: {}", file.realPath(),
                    e.getMessage());
            return false;
        }
        long start = 0;
        long count = length;
        HttpResponseStatus status = HttpResponseStatus.OK;
        HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, status);
        HttpHeaders h = response.headers();
        if (range instanceof ByteRange.Partial p) {
            start = p.range().first();
            count = p.range().length();
            response.setStatus(HttpResponseStatus.PARTIAL_CONTENT);
            h.set("Content-Range", "bytes " + p.range().first() + "-" + p.range().last() + "/"
                    + length);
        }
        h.set("Content-Type", MimeTypes.forFileName(file.realPath().getFileName().toString()))
                .set("Content-Length", count)
                .set("Last-Modified", lastModified)
                .set("Accept-Ranges", "bytes")
                .set("X-Content-Type-Options", "nosniff");
        headers.addToPlain(h);
        boolean keepAlive = connectionHeaders(request, response);
        AccessLog.log(info, response.status().code(), "STATIC");

        ctx.write(response);
        if (head || count == 0) {
            closeQuietly(channel);
        } else if (ctx.pipeline().get(SslHandler.class) != null) {
            try {
                ensureChunkedWriter(ctx.pipeline());
                ctx.write(new ChunkedNioFile(channel, start, count, CHUNK));
            } catch (IOException | IllegalStateException e) {
                closeQuietly(channel);
                ctx.close();
                return true;
            }
        } else {
            ctx.write(new DefaultFileRegion(channel, start, count));
        }
        ChannelFuture last = ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        if (!keepAlive) {
            last.addListener(ChannelFutureListener.CLOSE);
        }
        return true;
    }

    /** If-Range: the range applies only while the file is unchanged (we give no ETags, so only dates match). */
    private static boolean rangeStillValid(HttpRequest request, String lastModified) {
        String ifRange = request.headers().get(HttpHeaderNames.IF_RANGE);
        return ifRange == null || ifRange.trim().equals(lastModified);
    }

    private void reply(ChannelHandlerContext ctx, HttpRequest request, RequestInfo info, FullHttpResponse r) {
        headers.addToPlain(r.headers());
        AccessLog.log(info, r.status().code(), "STATIC");
        HttpResponses.send(ctx, request, r, false);
    }

    /** Keep-alive as the client asked; returns whether the connection stays open. */
    private static boolean connectionHeaders(HttpRequest request, HttpResponse response) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        if (!keepAlive) {
            response.headers().set("Connection", "close");
        } else if (request.protocolVersion().equals(HttpVersion.HTTP_1_0)) {
            response.headers().set("Connection", "keep-alive");
        }
        return keepAlive;
    }

    /** Chunked writes are needed only under TLS; the handler is added next to the codec once per connection. */
    private static void ensureChunkedWriter(ChannelPipeline p) {
        if (p.get(ChunkedWriteHandler.class) == null) {
            ChannelHandlerContext codec = p.context(HttpServerCodec.class);
            if (codec == null) {
                throw new IllegalStateException("no HTTP codec on this connection");
            }
            p.addAfter(codec.name(), "http-chunked", new ChunkedWriteHandler());
        }
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // read-only channel: nothing was written, nothing can be lost
        }
    }
}
