package io.wsbridge.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** How --redirport builds its Location from what the client sent, hostile input included. */
class MainPortRedirectTest {
    private static final InetSocketAddress LOCAL_V4 = new InetSocketAddress("127.0.0.1", 8081);

    @Test
    void hostKeepsItsNameAndLosesItsPort() throws Exception {
        assertThat(MainPortRedirect.host("example.org:18115", LOCAL_V4)).isEqualTo("example.org");
        assertThat(MainPortRedirect.host("Example.ORG", LOCAL_V4)).isEqualTo("Example.ORG");
        assertThat(MainPortRedirect.host("10.0.0.1:80", LOCAL_V4)).isEqualTo("10.0.0.1");
        assertThat(MainPortRedirect.host("[::1]:8080", LOCAL_V4)).isEqualTo("[::1]");
        assertThat(MainPortRedirect.host("[2001:db8::7]", LOCAL_V4)).isEqualTo("[2001:db8::7]");
        assertThat(MainPortRedirect.host("  host.test:1 ", LOCAL_V4)).isEqualTo("host.test");
    }

    @Test
    void withoutHostTheLocalAddressIsUsed() throws Exception {
        assertThat(MainPortRedirect.host(null, LOCAL_V4)).isEqualTo("127.0.0.1");
        assertThat(MainPortRedirect.host("", LOCAL_V4)).isEqualTo("127.0.0.1");
        InetSocketAddress v6 = new InetSocketAddress(InetAddress.getByName("::1"), 8081);
        assertThat(MainPortRedirect.host(null, v6)).isEqualTo("[0:0:0:0:0:0:0:1]");
    }

    @Test
    void hostileHostsAreRefused() {
        for (String bad : new String[] {"evil.com/x", "a@b.com", "::1", "[::1", "[::1]x", "[::1]:80:80", "[evil.com]",
                "host:port", "host:99999999", "a b", "host\"", "<script>", "h%0d%0a", "[]", ":80", "a\\b"}) {
            assertThat(MainPortRedirect.host(bad, LOCAL_V4)).as(bad).isNull();
        }
    }

    @Test
    void pathAndQueryAreKept() {
        assertThat(MainPortRedirect.pathAndQuery("/foo/bar?x=1&y=%20z")).isEqualTo("/foo/bar?x=1&y=%20z");
        assertThat(MainPortRedirect.pathAndQuery("/")).isEqualTo("/");
        assertThat(MainPortRedirect.pathAndQuery("//evil.com/x")).isEqualTo("//evil.com/x");
        assertThat(MainPortRedirect.pathAndQuery("http://other.host:9/p?q=1")).isEqualTo("/p?q=1");
        assertThat(MainPortRedirect.pathAndQuery("http://other.host?q=1")).isEqualTo("/?q=1");
        assertThat(MainPortRedirect.pathAndQuery("*")).isEqualTo("/");
        assertThat(MainPortRedirect.pathAndQuery("/a#frag")).isEqualTo("/a");
        assertThat(MainPortRedirect.pathAndQuery("/a b\"<>\u00e9")).isEqualTo("/a%20b%22%3C%3E%E9");
    }

    @Test
    void locationLeavesOutTheDefaultPort() {
        assertThat(MainPortRedirect.location("https", "h", 443, "/p")).isEqualTo("https://h/p");
        assertThat(MainPortRedirect.location("https", "h", 8443, "/p")).isEqualTo("https://h:8443/p");
        assertThat(MainPortRedirect.location("http", "[::1]", 80, "/")).isEqualTo("http://[::1]/");
        assertThat(MainPortRedirect.location("http", "h", 443, "/")).isEqualTo("http://h:443/");
    }
}
