package io.wsbridge.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** --trustproxy: address blocks, and which header value becomes the client's address. */
class TrustedProxiesTest {
    private static final TrustedProxies LOCAL = TrustedProxies.of(List.of("127.0.0.1", "10.0.0.0/8", "fd00::/8"));

    @Test
    void matchesSingleAddressesAndBlocksOfAnyLength() {
        assertThat(LOCAL.trusts("127.0.0.1")).isTrue();
        assertThat(LOCAL.trusts("127.0.0.2")).isFalse();
        assertThat(LOCAL.trusts("10.255.1.2")).isTrue();
        assertThat(LOCAL.trusts("11.0.0.1")).isFalse();
        assertThat(LOCAL.trusts("fd12:3456::1")).isTrue();
        assertThat(LOCAL.trusts("fe80::1")).isFalse();
        TrustedProxies block = TrustedProxies.of(List.of("192.168.1.64/27", "2001:db8::/33"));
        assertThat(block.trusts("192.168.1.95")).isTrue();
        assertThat(block.trusts("192.168.1.96")).isFalse();
        assertThat(block.trusts("192.168.1.63")).isFalse();
        assertThat(block.trusts("2001:db8:7fff::1")).isTrue();
        assertThat(block.trusts("2001:db8:8000::1")).isFalse();
        assertThat(TrustedProxies.of(List.of("::/0")).trusts("2001:db8::1")).isTrue();
        assertThat(TrustedProxies.of(List.of("::/0")).trusts("192.0.2.1")).as("v4 is not inside ::/0").isFalse();
    }

    @Test
    void ipv4MappedIpv6AndBracketsAreTheSameAddress() {
        assertThat(LOCAL.trusts("::ffff:127.0.0.1")).isTrue();
        assertThat(LOCAL.trusts("[fd00::5]")).isTrue();
        assertThat(TrustedProxies.of(List.of("[::1]")).trusts("0:0:0:0:0:0:0:1")).isTrue();
        assertThat(TrustedProxies.of(List.of("::ffff:10.1.2.3")).trusts("10.1.2.3")).isTrue();
    }

    @Test
    void neverResolvesNamesAndRejectsNonAddresses() {
        assertThat(TrustedProxies.parseAddress("localhost")).isNull();
        assertThat(TrustedProxies.parseAddress("dead.beef.cafe.face")).isNull();
        assertThat(TrustedProxies.parseAddress("unknown")).isNull();
        assertThat(TrustedProxies.parseAddress("1.2.3")).isNull();
        assertThat(TrustedProxies.parseAddress("256.1.1.1")).isNull();
        assertThat(TrustedProxies.parseAddress("")).isNull();
    }

    @Test
    void untrustedPeersHeadersAreIgnored() {
        assertThat(LOCAL.clientAddress("192.0.2.10", List.of("203.0.113.5"), "203.0.113.6")).isEqualTo("192.0.2.10");
        assertThat(TrustedProxies.NONE.clientAddress("127.0.0.1", List.of("203.0.113.5"), "203.0.113.6"))
                .isEqualTo("127.0.0.1");
    }

    @Test
    void rightMostUntrustedForwardedForEntryIsTheClient() {
        // client forged "198.51.100.1"; its real address 203.0.113.5 was appended by a trusted 10.x proxy
        assertThat(LOCAL.clientAddress("127.0.0.1", List.of("198.51.100.1, 203.0.113.5, 10.1.1.1"), null))
                .isEqualTo("203.0.113.5");
        assertThat(LOCAL.clientAddress("127.0.0.1", List.of("203.0.113.5"), "198.51.100.1"))
                .as("X-Forwarded-For wins over X-Real-IP").isEqualTo("203.0.113.5");
    }

    @Test
    void repeatedForwardedForHeadersAreOneList() {
        assertThat(LOCAL.clientAddress("127.0.0.1", List.of("203.0.113.5", "198.51.100.7,10.0.0.1"), null))
                .isEqualTo("198.51.100.7");
    }

    @Test
    void allTrustedMeansTheLeftMost() {
        assertThat(LOCAL.clientAddress("127.0.0.1", List.of("10.0.0.7, 10.0.0.8"), null)).isEqualTo("10.0.0.7");
    }

    @Test
    void portsAreDroppedAndIpv6IsPrintedLikePeerAddresses() {
        assertThat(LOCAL.clientAddress("127.0.0.1", List.of("203.0.113.5:51234"), null)).isEqualTo("203.0.113.5");
        assertThat(LOCAL.clientAddress("127.0.0.1", List.of("[2001:db8::1]:443"), null))
                .isEqualTo("2001:db8:0:0:0:0:0:1");
        assertThat(LOCAL.clientAddress("127.0.0.1", List.of("2001:db8::1"), null)).isEqualTo("2001:db8:0:0:0:0:0:1");
        assertThat(LOCAL.clientAddress("127.0.0.1", List.of("::ffff:203.0.113.5"), null)).isEqualTo("203.0.113.5");
    }

    @Test
    void aChainWithGarbageIsNotBelieved() {
        assertThat(LOCAL.clientAddress("127.0.0.1", List.of("203.0.113.5, unknown"), null)).isEqualTo("127.0.0.1");
        assertThat(LOCAL.clientAddress("127.0.0.1", List.of("evil.example.com"), null)).isEqualTo("127.0.0.1");
        assertThat(LOCAL.clientAddress("127.0.0.1", List.of(""), "203.0.113.5")).isEqualTo("127.0.0.1");
        // an untrusted entry is the answer even when garbage stands further left
        assertThat(LOCAL.clientAddress("127.0.0.1", List.of("junk, 203.0.113.5"), null)).isEqualTo("203.0.113.5");
    }

    @Test
    void realIpIsUsedOnlyWithoutForwardedFor() {
        assertThat(LOCAL.clientAddress("127.0.0.1", List.of(), " 203.0.113.5 ")).isEqualTo("203.0.113.5");
        assertThat(LOCAL.clientAddress("127.0.0.1", List.of(), "not-an-ip")).isEqualTo("127.0.0.1");
        assertThat(LOCAL.clientAddress("127.0.0.1", List.of(), null)).isEqualTo("127.0.0.1");
    }
}
