package io.wsbridge.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** Where credentials come from, and that a token taken from the URL or a subprotocol offer leaves the request. */
class CredentialsTest {
    private static HttpRequest get(String uri, String... headers) {
        HttpRequest r = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri);
        for (int i = 0; i < headers.length; i += 2) {
            r.headers().add(headers[i], headers[i + 1]);
        }
        return r;
    }

    @Test
    void basic() {
        String value = "Basic " + Base64.getEncoder().encodeToString("al:ice:pä ss".getBytes(StandardCharsets.UTF_8));
        Credentials c = Credentials.take(get("/", "Authorization", value), false);
        assertThat(c.basicUser()).isEqualTo("al");
        assertThat(c.basicPassword()).isEqualTo("ice:pä ss");
        assertThat(Credentials.take(get("/", "Authorization", "Basic !!!"), false).basicUser()).isNull();
    }

    @Test
    void tokensFromHeaderSubprotocolAndQueryAreRemovedFromTheRequest() {
        String[][] table = {
                // uri, protocol header, expected token, expected uri afterwards, expected protocol header
                {"/p?token=abc", null, "abc", "/p", null},
                {"/p?a=1&token=abc&b=2", null, "abc", "/p?a=1&b=2", null},
                {"/p?token=a%2Bb&token=second", null, "a+b", "/p", null},
                {"/p?tokens=x", null, null, "/p?tokens=x", null},
                {"/p", "bearer.tok, chat", "tok", "/p", "chat"},
                {"/p", "chat, bearer.tok", "tok", "/p", "chat"},
                {"/p", "bearer.tok", "tok", "/p", null},
                {"/p?token=q", "bearer.s", "s", "/p", null},
        };
        for (String[] row : table) {
            HttpRequest r = row[1] == null ? get(row[0]) : get(row[0], "Sec-WebSocket-Protocol", row[1]);
            Credentials c = Credentials.take(r, true);
            assertThat(c.token()).as("token of %s %s", row[0], row[1]).isEqualTo(row[2]);
            assertThat(r.uri()).as("uri of %s", row[0]).isEqualTo(row[3]);
            assertThat(r.headers().get("Sec-WebSocket-Protocol")).as("protocols of %s", row[1]).isEqualTo(row[4]);
        }
        HttpRequest header = get("/p?token=q", "Authorization", "Bearer from-header");
        assertThat(Credentials.take(header, true).token()).isEqualTo("from-header");
        assertThat(header.uri()).as("a query token is stripped even when the header wins").isEqualTo("/p");
        HttpRequest notOurs = get("/p?token=q", "Sec-WebSocket-Protocol", "bearer.x");
        assertThat(Credentials.take(notOurs, false).token()).as("without --tokenfile").isNull();
        assertThat(notOurs.uri()).isEqualTo("/p?token=q");
    }
}
