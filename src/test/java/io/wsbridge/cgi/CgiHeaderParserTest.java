package io.wsbridge.cgi;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The script's header block: parsed in pieces, checked strictly, anything dubious is malformed (502). */
class CgiHeaderParserTest {
    private static ByteBuf bytes(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1);
    }

    private static CgiHeaderParser.Result parse(String output) {
        return new CgiHeaderParser().feed(bytes(output));
    }

    private static CgiHead head(String output) {
        CgiHeaderParser.Result r = parse(output);
        assertThat(r).as(output).isInstanceOf(CgiHeaderParser.Complete.class);
        CgiHeaderParser.Complete c = (CgiHeaderParser.Complete) r;
        c.rest().release();
        return c.head();
    }

    private static String malformed(String output) {
        CgiHeaderParser.Result r = parse(output);
        assertThat(r).as(output.replace("\r", "\\r")).isInstanceOf(CgiHeaderParser.Malformed.class);
        return ((CgiHeaderParser.Malformed) r).reason();
    }

    @Test
    void headerBlockThenBodyWithLfOrCrlf() {
        CgiHeaderParser.Complete c = (CgiHeaderParser.Complete) parse("Content-Type: text/plain\n\nbody\n");
        assertThat(c.head().status()).isEqualTo(200);
        assertThat(c.head().headers()).containsExactly(Map.entry("Content-Type", "text/plain"));
        assertThat(c.rest().toString(StandardCharsets.UTF_8)).isEqualTo("body\n");
        c.rest().release();
        CgiHead h = head("Content-Type:text/html\r\nX-A:  1 \r\n\r\n");
        assertThat(h.headers()).containsExactly(Map.entry("Content-Type", "text/html"), Map.entry("X-A", "1"));
    }

    @Test
    void arrivesInPieces() {
        CgiHeaderParser p = new CgiHeaderParser();
        assertThat(p.feed(bytes("Content-Ty"))).isInstanceOf(CgiHeaderParser.NeedMore.class);
        assertThat(p.feed(bytes("pe: text/plain\r"))).isInstanceOf(CgiHeaderParser.NeedMore.class);
        assertThat(p.feed(bytes("\n\r"))).isInstanceOf(CgiHeaderParser.NeedMore.class);
        CgiHeaderParser.Result r = p.feed(bytes("\nrest"));
        assertThat(r).isInstanceOf(CgiHeaderParser.Complete.class);
        ByteBuf rest = ((CgiHeaderParser.Complete) r).rest();
        assertThat(rest.toString(StandardCharsets.UTF_8)).isEqualTo("rest");
        rest.release();
    }

    @Test
    void statusLocationAndContentLength() {
        assertThat(head("Status: 404 Not Found\nContent-Type: text/plain\n\n").status()).isEqualTo(404);
        assertThat(head("Status: 404 Gone Fishing\n\n").reason()).isEqualTo("Gone Fishing");
        assertThat(head("Status: 201\n\n").reason()).isEqualTo("Created");
        assertThat(head("Location: https://example.com/x\n\n").status()).isEqualTo(302);
        assertThat(head("Location: /local\n\n").status()).isEqualTo(302);
        assertThat(head("Status: 301 Moved\nLocation: /x\n\n").status()).isEqualTo(301);
        assertThat(head("Content-Type: a/b\nContent-Length: 12\n\n").contentLength()).isEqualTo(12);
        assertThat(head("Content-Type: a/b\n\n").contentLength()).isEqualTo(-1);
        assertThat(head("status: 500 x\n\n").headers()).isEmpty();
    }

    @Test
    void connectionLevelFieldsAreDropped() {
        CgiHead h = head("Content-Type: a/b\nTransfer-Encoding: chunked\nConnection: keep-alive\nKeep-Alive: 5\n"
                + "Upgrade: websocket\nSet-Cookie: a=1\nSet-Cookie: b=2\n\n");
        assertThat(h.headers()).containsExactly(Map.entry("Content-Type", "a/b"), Map.entry("Set-Cookie", "a=1"),
                Map.entry("Set-Cookie", "b=2"));
    }

    @Test
    void malformedBlocks() {
        assertThat(malformed("\nbody")).contains("empty");
        assertThat(malformed("Content-Type text/plain\n\n")).contains("not a header");
        assertThat(malformed(": x\n\n")).contains("not a header");
        assertThat(malformed("Bad Name: x\nContent-Type: a/b\n\n")).contains("invalid header name");
        assertThat(malformed(" Content-Type: a/b\n\n")).contains("invalid header name");
        assertThat(malformed("X-Trace: 1\n\n")).contains("none of");
        assertThat(malformed("Content-Type: a/b\rSet-Cookie: evil=1\n\n")).contains("control character");
        assertThat(malformed("Content-Type: a/b\nX: \u0000\n\n")).contains("control character");
        assertThat(malformed("Status: 99 Low\n\n")).contains("Status");
        assertThat(malformed("Status: 600 High\n\n")).contains("Status");
        assertThat(malformed("Status: 101 Switching\n\n")).contains("out of range");
        assertThat(malformed("Status: abc\n\n")).contains("invalid Status");
        assertThat(malformed("Status: 2000\n\n")).contains("invalid Status");
        assertThat(malformed("Status: 200\nStatus: 404\n\n")).contains("more than one Status");
        assertThat(malformed("Content-Type: a/b\nContent-Length: -1\n\n")).contains("Content-Length");
        assertThat(malformed("Content-Type: a/b\nContent-Length: 1\nContent-Length: 2\n\n")).contains("more than one");
        assertThat(malformed("Content-Type: a/b\nContent-Length: 99999999999999999999\n\n")).contains("Content-Length");
    }

    @Test
    void headerBlockSizeIsBounded() {
        CgiHeaderParser p = new CgiHeaderParser();
        CgiHeaderParser.Result r = new CgiHeaderParser.NeedMore();
        String line = "X-Filler: " + "y".repeat(1000) + "\n";
        for (int i = 0; i < 100 && r instanceof CgiHeaderParser.NeedMore; i++) {
            r = p.feed(bytes(line));
        }
        assertThat(r).isInstanceOf(CgiHeaderParser.Malformed.class);
        assertThat(((CgiHeaderParser.Malformed) r).reason()).contains("larger than");
    }

    @Test
    void outputEndingInsideTheBlock() {
        CgiHeaderParser p = new CgiHeaderParser();
        assertThat(p.endOfOutput().reason()).isEqualTo("no output");
        p.feed(bytes("Content-Type: text/plain\n"));
        assertThat(p.endOfOutput().reason()).contains("ended inside");
    }
}
