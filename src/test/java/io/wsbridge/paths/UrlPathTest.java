package io.wsbridge.paths;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** URL paths become decoded segments exactly once; every spelling that could climb or confuse is refused. */
class UrlPathTest {
    private static UrlPath parse(String target) {
        return UrlPath.parse(target).orElseThrow(() -> new AssertionError("refused: " + target));
    }

    @Test
    void segmentsAreDecodedOnce() {
        assertThat(parse("/").segments()).isEmpty();
        assertThat(parse("/").trailingSlash()).isTrue();
        assertThat(parse("/a/b").segments()).containsExactly("a", "b");
        assertThat(parse("/a/b").trailingSlash()).isFalse();
        assertThat(parse("/a/b/").trailingSlash()).isTrue();
        assertThat(parse("/a%20b/caf%C3%A9+x").segments()).containsExactly("a b", "café+x");
        // Double encoding stays one level deep: "%252e%252e" is the harmless literal name "%2e%2e".
        assertThat(parse("/%252e%252e/x").segments()).containsExactly("%2e%2e", "x");
        assertThat(parse("/..x/x..").segments()).containsExactly("..x", "x..");
        assertThat(parse("/.hidden").segments()).containsExactly(".hidden");
    }

    @Test
    void queryFragmentAndAbsoluteFormAreNotPartOfThePath() {
        assertThat(parse("/a?x=/../../etc#/..").segments()).containsExactly("a");
        assertThat(parse("http://example.com/a/b?q").segments()).containsExactly("a", "b");
        assertThat(parse("http://example.com").segments()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "/..", "/../etc/passwd", "/a/../b", "/a/..", "/.", "/./a", "/a/./b",
        "/%2e%2e/etc/passwd", "/%2E%2E/etc", "/.%2e/x", "/%2e./x", "/%2e/x",
        "/a%2fb", "/a%2Fb", "/..%2f..%2fetc%2fpasswd", "/a%5cb", "/a%5Cb", "/..\\..\\etc", "/a\\b",
        "/a%00b", "/a%00", "/a%0ab", "/a%0d%0aSet-Cookie:x", "/a%1b", "/a%7f",
        "//a", "/a//b", "//", "///etc/passwd",
        "/%", "/%2", "/%zz", "/%g0", "/%c3", "/%ff", "/%c0%ae%c0%ae/etc", "/%e0%80%ae",
        "*", "", "a/b", "http:/x",
    })
    void hostileSpellingsAreRefused(String target) {
        assertThat(UrlPath.parse(target)).as(target).isEmpty();
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
        "/sub/../hello.sh | /hello.sh",
        "/./hello.sh | /hello.sh",
        "/a/./b/ | /a/b/",
        "/a/b/.. | /a",
        "/a/b/../ | /a/",
        "/a/.. | /",
        "/a/../ | /",
        "/. | /",
        "/a/../b?x=1&y=/../z | /b?x=1&y=/../z",
        "/a/../b? | /b",
        "/a/../caf%C3%A9/%2e%2e.txt | /caf%C3%A9/%2e%2e.txt",
        "http://127.0.0.1:8080/a/../b | /b",
        "/.well-known/../.well-known/acme | /.well-known/acme",
    })
    void rawDotSegmentsAreCleanedForARedirect(String target, String location) {
        assertThat(UrlPath.cleaned(target)).as(target).contains(location);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "/hello.sh", "/a/b/", "/", "/..x/x..", "/a?x=/../", // nothing to clean
        "/..", "/../hello.sh", "/a/../../etc/passwd", "/a/b/../../..", "http://h/../x", // above the root
        "/a/%2e%2e/../b", "/a/../%2e%2e/b", "/%2e/../b", "/a/..%2f../b", "/a/../b%2fc", "/a/../b\\c",
        "/a/../b%00", "/a/../%zz", "/a/..//b", "//a/../b", "/a/../café",
    })
    void nothingElseIsRedirected(String target) {
        assertThat(UrlPath.cleaned(target)).as(target).isEmpty();
    }

    @Test
    void rawNonAsciiIsRefused() {
        assertThat(UrlPath.parse("/caf\u00e9")).isEmpty();
    }

    @Test
    void prefixAndSuffixSplitScriptNameFromPathInfo() {
        UrlPath p = parse("/sub/x.sh/a/b");
        assertThat(p.prefix(2)).isEqualTo("/sub/x.sh");
        assertThat(p.suffix(2)).isEqualTo("/a/b");
        assertThat(p.suffix(4)).isEmpty();
        assertThat(parse("/sub/x.sh/").suffix(2)).isEqualTo("/");
        assertThat(parse("/sub/x.sh/a/").suffix(2)).isEqualTo("/a/");
    }

    @Test
    void encodedAgainForLocationHeaders() {
        assertThat(parse("/a%20b/c").encoded(true)).isEqualTo("/a%20b/c/");
        assertThat(parse("/caf%C3%A9").encoded(false)).isEqualTo("/caf%C3%A9");
        assertThat(parse("/%3Cscript%3E%22").encoded(true)).isEqualTo("/%3Cscript%3E%22/");
        assertThat(parse("/").encoded(true)).isEqualTo("/");
        assertThat(List.of(parse("/%252e").encoded(false))).containsExactly("/%252e");
    }
}
