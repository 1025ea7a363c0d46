package io.wsbridge.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.IdleStateEvent;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One exchange at a time: pipelined requests wait for the previous response; idle connections are closed. */
class HttpExchangeGuardTest {
    /** Records what reaches it; answers nothing by itself. */
    static final class Recorder extends ChannelInboundHandlerAdapter {
        final List<Object> seen = new ArrayList<>();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            seen.add(msg);
        }
    }

    private static HttpRequest get(String uri) {
        return new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri);
    }

    @Test
    void aPipelinedRequestWaitsForThePreviousResponse() {
        Recorder app = new Recorder();
        EmbeddedChannel ch = new EmbeddedChannel(new HttpExchangeGuard(), app);
        HttpRequest first = get("/slow");
        HttpRequest second = get("/fast");
        ch.writeInbound(first, LastHttpContent.EMPTY_LAST_CONTENT, second, LastHttpContent.EMPTY_LAST_CONTENT);
        assertThat(app.seen).containsExactly(first, LastHttpContent.EMPTY_LAST_CONTENT);
        assertThat(ch.config().isAutoRead()).as("reading paused while holding").isFalse();

        ch.writeOutbound(new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));
        assertThat(app.seen).hasSize(2);
        ch.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
        assertThat(app.seen).as("an interim response does not end the exchange").hasSize(2);
        ch.writeOutbound(new DefaultLastHttpContent());
        ch.runPendingTasks();
        assertThat(app.seen).containsExactly(first, LastHttpContent.EMPTY_LAST_CONTENT, second,
                LastHttpContent.EMPTY_LAST_CONTENT);
        assertThat(ch.config().isAutoRead()).isTrue();
        ch.finishAndReleaseAll();
    }

    @Test
    void tooManyHeldMessagesCloseTheConnection() {
        EmbeddedChannel ch = new EmbeddedChannel(new HttpExchangeGuard(), new Recorder());
        ch.writeInbound(get("/1"));
        for (int i = 0; i <= HttpExchangeGuard.MAX_HELD && ch.isActive(); i++) {
            ch.writeInbound(get("/more"));
        }
        assertThat(ch.isActive()).isFalse();
        ch.finishAndReleaseAll();
    }

    @Test
    void idleConnectionsCloseUnlessAResponseIsAwaited() {
        EmbeddedChannel idle = new EmbeddedChannel(new HttpExchangeGuard(), new Recorder());
        idle.pipeline().fireUserEventTriggered(IdleStateEvent.ALL_IDLE_STATE_EVENT);
        assertThat(idle.isActive()).as("nothing going on").isFalse();

        EmbeddedChannel waiting = new EmbeddedChannel(new HttpExchangeGuard(), new Recorder());
        waiting.writeInbound(get("/cgi"), LastHttpContent.EMPTY_LAST_CONTENT);
        waiting.pipeline().fireUserEventTriggered(IdleStateEvent.ALL_IDLE_STATE_EVENT);
        assertThat(waiting.isActive()).as("a slow script is being waited for").isTrue();
        waiting.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));
        waiting.pipeline().fireUserEventTriggered(IdleStateEvent.ALL_IDLE_STATE_EVENT);
        assertThat(waiting.isActive()).as("answered, then idle").isFalse();

        EmbeddedChannel slowUpload = new EmbeddedChannel(new HttpExchangeGuard(), new Recorder());
        slowUpload.writeInbound(get("/cgi"));
        slowUpload.pipeline().fireUserEventTriggered(IdleStateEvent.ALL_IDLE_STATE_EVENT);
        assertThat(slowUpload.isActive()).as("a request body that stopped coming").isFalse();
        idle.finishAndReleaseAll();
        waiting.finishAndReleaseAll();
        slowUpload.finishAndReleaseAll();
    }
}
