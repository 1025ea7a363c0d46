package io.wsbridge.deflate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 7692 section 7.1 from the server's side: which offer is taken, and what the answer says. */
class DeflateParametersTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "NONE", textBlock = """
            permessage-deflate                                                  | permessage-deflate
            permessage-deflate; client_max_window_bits                          | permessage-deflate
            permessage-deflate; client_max_window_bits=10                       | permessage-deflate
            PerMessage-Deflate ;  server_no_context_takeover                    | permessage-deflate; server_no_context_takeover
            permessage-deflate; client_no_context_takeover                      | permessage-deflate; client_no_context_takeover
            permessage-deflate; server_max_window_bits=9                        | permessage-deflate; server_max_window_bits=9
            permessage-deflate; server_max_window_bits="12"                     | permessage-deflate; server_max_window_bits=12
            permessage-deflate; server_max_window_bits                          | NONE
            permessage-deflate; server_max_window_bits=7                        | NONE
            permessage-deflate; server_max_window_bits=16                       | NONE
            permessage-deflate; server_max_window_bits=010                      | NONE
            permessage-deflate; client_max_window_bits=abc                      | NONE
            permessage-deflate; server_no_context_takeover=1                    | NONE
            permessage-deflate; server_no_context_takeover; server_no_context_takeover | NONE
            permessage-deflate; mystery                                         | NONE
            permessage-deflate;                                                 | NONE
            x-webkit-deflate-frame                                              | NONE
            permessage-deflate; mystery, permessage-deflate; client_max_window_bits | permessage-deflate
            foo, permessage-deflate; server_max_window_bits=10, permessage-deflate | permessage-deflate; server_max_window_bits=10
            """)
    void theFirstValidOfferIsAccepted(String offered, String answer) {
        DeflateParameters p = DeflateParameters.negotiate(List.of(offered));
        assertThat(p == null ? null : p.responseHeader()).isEqualTo(answer);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            permessage-deflate                                          | false | 15 | 15
            permessage-deflate; server_no_context_takeover; server_max_window_bits=8 | true | 8 | 15
            permessage-deflate; client_max_window_bits=9                | false | 15 | 9
            """)
    void theAgreedParameters(String offered, boolean noTakeover, int serverBits, int clientBits) {
        DeflateParameters p = DeflateParameters.negotiate(List.of(offered));
        assertThat(p.serverNoContextTakeover()).isEqualTo(noTakeover);
        assertThat(p.serverMaxWindowBits()).isEqualTo(serverBits);
        assertThat(p.clientMaxWindowBits()).isEqualTo(clientBits);
    }
}
