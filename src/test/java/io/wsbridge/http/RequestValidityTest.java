package io.wsbridge.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RequestValidityTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "127.0.0.1:8080|true", "example.org|true", "example.org:|true", "''|true", "[::1]:80|true", "[::1]|true",
        "xn--bcher-kva.example|true", "a_b-c~d!$&'()*+,;=%20|true",
        "127.0.0.1 evil|false", "a:80x|false", "a:-1|false", "h@st|false", "ho/st|false", "[::1|false",
        "[::1]x|false", "[zz::1]|false", "[]|false", "a\"b|false", "a<b|false", "a\\b|false", "host:80:80x|false"})
    void hostValues(String host, boolean valid) {
        assertThat(RequestValidity.validHost(host)).as(host).isEqualTo(valid);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "/|true", "/a/b?c=d|true", "/a%20b|true", "/?q=%0A%00|true", "/%7e|true",
        "/a%00b|false", "/a%1bb|false", "/a%1Bb|false", "/a%7Fb|false", "/a%0d%0a|false"})
    void targets(String target, boolean valid) {
        assertThat(RequestValidity.problemInTarget(target)).as(target).matches(p -> (p == null) == valid);
    }
}
