package io.wsbridge.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.wsbridge.testing.Client;
import io.wsbridge.testing.ExternalServer;
import io.wsbridge.testing.RawWebSocket;
import io.wsbridge.testing.TestCertificates;
import io.wsbridge.testing.TestServer;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** --redirport: a plain HTTP listener that sends every request to the same URL on the main port. */
@Timeout(60)
class RedirectTest {
    private static RawWebSocket.HttpReply get(int port, String target, String host) throws IOException {
        return RawWebSocket.rawRequest(port, "GET " + target + " HTTP/1.1\r\n"
                + (host == null ? "" : "Host: " + host + "\r\n") + "Connection: close\r\n\r\n");
    }

    @Test
    void redirectsToTheSameHostPathAndQueryOnTheMainPort() throws Exception {
        int redir = ExternalServer.freePort();
        try (TestServer server = TestServer.start("--redirport=" + redir, "cat")) {
            int main = server.port();
            RawWebSocket.HttpReply r = get(redir, "/foo/bar?x=1&y=%20z", "example.org:" + redir);
            assertThat(r.status()).isEqualTo(301);
            assertThat(r.header("Location")).isEqualTo("http://example.org:" + main + "/foo/bar?x=1&y=%20z");
            assertThat(get(redir, "/chat?room=a", "[2001:db8::1]:" + redir).header("Location"))
                    .isEqualTo("http://[2001:db8::1]:" + main + "/chat?room=a");
            assertThat(get(redir, "/", "[::1]").header("Location")).isEqualTo("http://[::1]:" + main + "/");
            // No Host (HTTP/1.0): the address the request came in on.
            RawWebSocket.HttpReply noHost = RawWebSocket.rawRequest(redir, "GET /a?b HTTP/1.0\r\n\r\n");
            assertThat(noHost.header("Location")).isEqualTo("http://127.0.0.1:" + main + "/a?b");
            // Absolute-form target: its path and query, the Host header's host.
            assertThat(get(redir, "http://elsewhere:1/p?q", "example.org").header("Location"))
                    .isEqualTo("http://example.org:" + main + "/p?q");
            // What follows the Location gets the real server.
            try (Client client = Client.connect("ws://127.0.0.1:" + main + "/foo/bar?x=1")) {
                client.send("arrived");
                assertThat(client.nextText(10)).isEqualTo("arrived");
            }
        }
        Throwable closed = catchThrowable(() -> get(redir, "/", "h"));
        assertThat(closed).as("the redirect listener closes with the server").isInstanceOf(IOException.class);
    }

    @Test
    void hostileHostsGet400AndNoLocation() throws Exception {
        int redir = ExternalServer.freePort();
        try (TestServer server = TestServer.start("--redirport=" + redir, "cat")) {
            for (String host : new String[] {"evil.com/path", "user@evil.com", "::1", "[::1", "a b", "<x>"}) {
                RawWebSocket.HttpReply r = get(redir, "/", host);
                assertThat(r.status()).as(host).isEqualTo(400);
                assertThat(r.header("Location")).as(host).isNull();
            }
            RawWebSocket.HttpReply body = RawWebSocket.rawRequest(redir, "POST /form?a=1 HTTP/1.1\r\nHost: h\r\n"
                    + "Content-Length: 5\r\nConnection: close\r\n\r\nhello");
            assertThat(body.status()).isEqualTo(301);
            assertThat(body.header("Location")).isEqualTo("http://h:" + server.port() + "/form?a=1");
            RawWebSocket.HttpReply garbage = RawWebSocket.rawRequest(redir, "\u0001\u0002 nonsense\r\n\r\n");
            assertThat(garbage.status()).isEqualTo(400);
        }
    }

    @Test
    void withSslTheRedirectGoesToHttps() throws Exception {
        TestCertificates certs = TestCertificates.shared();
        int redir = ExternalServer.freePort();
        try (TestServer server = TestServer.start("--redirport=" + redir, "--ssl", "--sslcert=" + certs.ecCert,
                "--sslkey=" + certs.ecKeySec1, "cat")) {
            assertThat(get(redir, "/s?t=1", "secure.example:" + redir).header("Location"))
                    .isEqualTo("https://secure.example:" + server.port() + "/s?t=1");
        }
    }
}
