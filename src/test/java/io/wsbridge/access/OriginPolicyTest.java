package io.wsbridge.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wsbridge.cli.Config;
import io.wsbridge.http.RequestInfo;
import io.wsbridge.testing.RequestBuilder;
import io.wsbridge.http.Refusal;
import io.wsbridge.websocket.UpgradePolicy;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** websocketd's origin rules with case-insensitive hosts, against spoofing, case and port games. */
class OriginPolicyTest {
    private static UpgradePolicy origins(String... entries) {
        return OriginPolicy.from(new Config.Access(Arrays.asList(entries), false, List.of()), false);
    }

    private static RequestInfo request(String host, String... origins) {
        RequestBuilder r = RequestBuilder.get("/").header("Host", host);
        for (String o : origins) {
            r.header("Origin", o);
        }
        return r.build();
    }

    private static boolean admits(UpgradePolicy policy, String origin) {
        try {
            policy.check(origin == null ? request("127.0.0.1:8080") : request("127.0.0.1:8080", origin));
            return true;
        } catch (Refusal r) {
            assertThat(r.status()).isEqualTo(403);
            return false;
        }
    }

    @Test
    void noRestrictionAdmitsEverything() throws Exception {
        UpgradePolicy p = OriginPolicy.from(new Config.Access(List.of(), false, List.of()), false);
        assertThat(p).isSameAs(UpgradePolicy.ALLOW_ALL);
        p.check(request("x"));
        p.check(request("x", "null"));
    }

    @Test
    void schemeLessEntryAdmitsHttpAndHttpsOnAnyPortWhateverTheCase() {
        UpgradePolicy p = origins("example.com");
        assertThat(admits(p, "http://example.com")).isTrue();
        assertThat(admits(p, "https://example.com")).isTrue();
        assertThat(admits(p, "http://example.com:8080")).isTrue();
        assertThat(admits(p, "http://EXAMPLE.com")).isTrue();
        assertThat(admits(p, "HTTPS://Example.COM:443")).isTrue();
        assertThat(admits(p, "http://example.com/")).isTrue();
        assertThat(admits(p, "ws://example.com")).isFalse();
        assertThat(admits(p, "file://example.com")).isFalse();
    }

    @Test
    void spoofsNeverMatch() {
        UpgradePolicy p = origins("example.com");
        for (String o : new String[] {"http://example.com.evil.org", "http://evil.org?example.com",
                "http://evil.org#example.com", "http://evil.org/example.com", "http://example.com@evil.org",
                "http://user@example.com", "http://user:pw@example.com", "http://xexample.com", "http://example.co",
                "http://example.com.", "http://evil.org\\@example.com", "http://example.com/path",
                "http://example.com:8080:80", "http://example.com:", "http://example.com:0", "http://example.com:65536",
                "http://example.com:-1", "http://example.com:8o", "http:example.com", "//example.com",
                "example.com", "null", "", " ", "http://", "http://[::1", "http://exa mple.com",
                "http://example%2ecom", "javascript://example.com/%0aalert(1)"}) {
            assertThat(admits(p, o)).as(o).isFalse();
        }
        assertThat(admits(p, null)).as("no Origin header").isFalse();
    }

    @Test
    void severalOriginHeadersAreRefused() {
        UpgradePolicy p = origins("example.com");
        assertThatThrownBy(() -> p.check(request("h", "http://example.com", "http://evil.org")))
                .isInstanceOf(Refusal.class).hasMessageContaining("more than one");
    }

    @Test
    void portGames() {
        UpgradePolicy p8080 = origins("example.com:8080");
        assertThat(admits(p8080, "http://example.com:8080")).isTrue();
        assertThat(admits(p8080, "https://example.com:8080")).isTrue();
        assertThat(admits(p8080, "http://example.com")).isFalse();
        assertThat(admits(p8080, "http://example.com:80")).isFalse();
        assertThat(admits(p8080, "http://example.com:18080")).isFalse();

        UpgradePolicy p80 = origins("example.com:80");
        assertThat(admits(p80, "http://example.com")).isTrue();
        assertThat(admits(p80, "http://example.com:80")).isTrue();
        assertThat(admits(p80, "http://example.com:8080")).isFalse();
        assertThat(admits(p80, "https://example.com")).as("https defaults to 443").isFalse();

        UpgradePolicy p443 = origins("example.com:443");
        assertThat(admits(p443, "https://example.com")).isTrue();
        assertThat(admits(p443, "http://example.com")).isFalse();
    }

    @Test
    void entriesWithSchemeAdmitOnlyThatScheme() {
        UpgradePolicy p = origins("https://example.com", "http://local.test:3000");
        assertThat(admits(p, "https://example.com")).isTrue();
        assertThat(admits(p, "https://example.com:8443")).isTrue();
        assertThat(admits(p, "http://example.com")).isFalse();
        assertThat(admits(p, "http://local.test:3000")).isTrue();
        assertThat(admits(p, "https://local.test:3000")).isFalse();
        assertThat(admits(p, "http://local.test")).isFalse();

        UpgradePolicy explicit = origins("HTTPS://Example.COM:443");
        assertThat(admits(explicit, "https://example.com")).isTrue();
        assertThat(admits(explicit, "https://example.com:8443")).isFalse();
    }

    @Test
    void ipv6AndIpLiterals() {
        UpgradePolicy p = origins("[::1]:8080", "127.0.0.1");
        assertThat(admits(p, "http://[::1]:8080")).isTrue();
        assertThat(admits(p, "http://[::1]")).isFalse();
        assertThat(admits(p, "http://127.0.0.1:9999")).isTrue();
        assertThat(admits(p, "http://127.0.0.2")).isFalse();
    }

    private static boolean sameOrigin(String host, String origin, boolean tls) {
        UpgradePolicy p = OriginPolicy.from(new Config.Access(List.of(), true, List.of()), tls);
        try {
            p.check(request(host, origin));
            return true;
        } catch (Refusal r) {
            return false;
        }
    }

    @Test
    void sameOriginComparesHostAndPortWithDefaults() {
        assertThat(sameOrigin("127.0.0.1:8080", "http://127.0.0.1:8080", false)).isTrue();
        assertThat(sameOrigin("LocalHost:8080", "http://localhost:8080", false)).isTrue();
        assertThat(sameOrigin("example.com", "http://example.com", false)).isTrue();
        assertThat(sameOrigin("example.com", "http://example.com:80", false)).isTrue();
        assertThat(sameOrigin("example.com:80", "http://example.com", false)).isTrue();
        assertThat(sameOrigin("example.com", "https://example.com", false)).isFalse();
        assertThat(sameOrigin("example.com", "https://example.com", true)).isTrue();
        assertThat(sameOrigin("127.0.0.1:8080", "http://127.0.0.1:8081", false)).isFalse();
        assertThat(sameOrigin("127.0.0.1:8080", "http://localhost:8080", false)).isFalse();
        assertThat(sameOrigin("example.com", "http://example.com.evil.org", false)).isFalse();
        assertThat(sameOrigin("[::1]:8080", "http://[::1]:8080", false)).isTrue();
        assertThat(sameOrigin("evil host", "http://evil host", false)).isFalse();
    }

    @Test
    void bothRulesMustPass() {
        UpgradePolicy p = OriginPolicy.from(new Config.Access(List.of("127.0.0.1"), true, List.of()), false);
        assertThat(admits(p, "http://127.0.0.1:8080")).isTrue();
        assertThat(admits(p, "http://127.0.0.1:9090")).as("listed, but not the same origin").isFalse();
    }
}
