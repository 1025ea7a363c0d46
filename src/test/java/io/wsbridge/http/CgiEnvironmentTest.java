package io.wsbridge.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.wsbridge.http.RequestInfo;
import java.util.AbstractMap.SimpleEntry;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CgiEnvironmentTest {
    private static RequestInfo request(String host, boolean tls) {
        return new RequestInfo("42", "GET", "/a/b?q=1", "/a/b", "q=1", "HTTP/1.1",
                List.of(new SimpleEntry<>("Host", host), new SimpleEntry<>("X-Multi", "1"),
                        new SimpleEntry<>("x-multi", "2"), new SimpleEntry<>("Bad Name", "x"),
                        new SimpleEntry<>("X-Evil", "a\nb")),
                "::1", 5555, "::1", 8080, tls);
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
}
