package io.wsbridge.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.wsbridge.testing.RequestBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CgiEnvironmentTest {
    private static RequestInfo request(String host, boolean tls) {
        RequestBuilder r = RequestBuilder.get("/a/b?q=1").id("42").header("Host", host).header("X-Multi", "1")
                .header("x-multi", "2").header("Bad Name", "x").header("X-Evil", "a\nb")
                .remote("::1", 5555).local("::1", 8080);
        return (tls ? r.tls() : r).build();
    }

    private static Map<String, String> asMap(List<String> env) {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        for (String kv : env) {
            int eq = kv.indexOf('=');
            assertThat(m.put(kv.substring(0, eq), kv.substring(eq + 1))).as("duplicate %s", kv).isNull();
        }
        return m;
    }

    @Test
    void buildsTheCgiSetWithHeadersJoinedAndCleaned() {
        CgiEnvironment cgi = new CgiEnvironment("wsbridge/1", List.of("PATH", "MISSING", "HTTPS"),
                Map.of("PATH", "/bin", "HTTPS", "smuggled", "HOME", "/root"), false);
        Map<String, String> env = asMap(cgi.forRequest(request("[::1]:8080", false), "::1", "/", "/a/b",
                List.of("EXTRA=1")));
        assertThat(env).containsEntry("PATH", "/bin").doesNotContainKeys("HOME", "HTTPS", "MISSING",
                "HTTP_BAD_NAME");
        assertThat(env).containsEntry("SERVER_NAME", "::1").containsEntry("SERVER_PORT", "8080")
                .containsEntry("HTTP_X_MULTI", "1, 2").containsEntry("HTTP_X_EVIL", "a b")
                .containsEntry("HTTP_HOST", "[::1]:8080").containsEntry("EXTRA", "1")
                .containsEntry("REMOTE_ADDR", "::1").containsEntry("REMOTE_PORT", "5555");
    }

    @Test
    void tlsAddsHttpsAndDefaultPortsFollowTheScheme() {
        Map<String, String> tls = asMap(new CgiEnvironment("w", List.of(), Map.of(), true)
                .forRequest(request("example.com", true), "x", "/", "", List.of()));
        assertThat(tls).containsEntry("HTTPS", "on").containsEntry("SERVER_PORT", "443")
                .containsEntry("SERVER_NAME", "example.com");
        Map<String, String> plain = asMap(new CgiEnvironment("w", List.of(), Map.of(), false)
                .forRequest(request("example.com", false), "x", "/", "", List.of()));
        assertThat(plain).doesNotContainKey("HTTPS").containsEntry("SERVER_PORT", "80");
    }

    @Test
    void aRoomsProgramGetsTheServerVariablesAndItsRoomButNothingOfOneClient() {
        CgiEnvironment base = new CgiEnvironment("wsbridge/test", List.of("PATH"), Map.of("PATH", "/bin"), false);
        Map<String, String> env = asMap(base.forRoom(request("example.com:8080", false), "/chat.sh", "/blue",
                "/chat.sh/blue", List.of()));
        assertThat(env).containsEntry("ROOM", "/chat.sh/blue").containsEntry("SCRIPT_NAME", "/chat.sh")
                .containsEntry("PATH_INFO", "/blue").containsEntry("SERVER_NAME", "example.com")
                .containsEntry("SERVER_PORT", "8080").containsEntry("PATH", "/bin")
                .containsEntry("SERVER_SOFTWARE", "wsbridge/test");
        assertThat(env.keySet()).noneMatch(k -> k.startsWith("REMOTE_") || k.startsWith("HTTP_")
                || k.equals("QUERY_STRING") || k.equals("REQUEST_URI") || k.equals("UNIQUE_ID"));
    }
}
