package io.wsbridge.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;

/** The WebSocket package's pure rules, as tables. */
class PureRulesTest {
    /** A close frame carries at most 125 bytes, 2 of them the code; a character is never cut in half. */
    @ParameterizedTest(name = "{0} x {1} -> {2} bytes")
    @CsvSource({
        "a,   10,  10",
        "a,   123, 123",
        "a,   124, 123",
        "a,   500, 123",
        "é,   61,  122",  // 2-byte characters: 61 of them are 122 bytes, the 62nd would cut at 123
        "é,   62,  122",
        "€,   41,  123",  // 3-byte characters
        "€,   42,  123",
        "😀, 31,  120",  // 4-byte characters
        "'',  0,   0",
    })
    void closeReasonTruncation(String unit, int repeat, int expectedBytes) {
        String truncated = CloseHandshake.truncateReason(unit.repeat(repeat));
        assertThat(truncated.getBytes(StandardCharsets.UTF_8)).hasSize(expectedBytes);
        assertThat(unit.repeat(repeat)).startsWith(truncated);
    }

    @ParameterizedTest
    @NullSource
    void noReasonIsEmpty(String reason) {
        assertThat(CloseHandshake.truncateReason(reason)).isEmpty();
    }

    /** --subprotocol: the first offered one we speak, in the client's order of preference. */
    @ParameterizedTest(name = "accepted [{0}], offered [{1}] -> {2}")
    @CsvSource(delimiter = '|', value = {
        "           | chat            | not negotiated",
        "           |                 | not negotiated",
        "chat       | chat            | chat",
        "chat       | ' chat '        | chat",
        "chat       | superchat, chat | chat",
        "chat;json  | json, chat      | json",
        "chat;json  | xml;json        | json",
        "chat       | xml             | none: none of the offered subprotocols is supported; this server speaks chat",
        "chat;json  |                 | none: a Sec-WebSocket-Protocol is required; this server speaks chat, json",
        "chat       | ',,'            | none: none of the offered subprotocols is supported; this server speaks chat",
    })
    void subprotocolChoice(String accepted, String offered, String expected) {
        List<String> accepts = accepted == null ? List.of() : List.of(accepted.split(";"));
        List<String> offers = offered == null ? List.of() : Arrays.asList(offered.split(";"));
        Subprotocols.Choice choice = new Subprotocols(accepts).choose(offers);
        String got = choice instanceof Subprotocols.Chosen c ? c.protocol()
                : choice instanceof Subprotocols.NoneAcceptable none ? "none: " + none.reason()
                : "not negotiated";
        assertThat(got).isEqualTo(expected);
    }
}
