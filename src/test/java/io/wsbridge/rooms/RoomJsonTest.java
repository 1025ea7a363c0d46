package io.wsbridge.rooms;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The --roomjson routing rule, as a table: what a stdout line asks for. */
class RoomJsonTest {
    private static String describe(RoomJson.Route r) {
        if (r == null) {
            return "unchanged";
        }
        if (r instanceof RoomJson.Broadcast b) {
            return "all:" + b.data();
        }
        if (r instanceof RoomJson.To to) {
            return "to" + to.clients() + ":" + to.data();
        }
        if (r instanceof RoomJson.Except ex) {
            return "except " + ex.client() + ":" + ex.data();
        }
        RoomJson.Close c = (RoomJson.Close) r;
        return ("close " + c.client() + " " + c.code() + " " + c.reason()).strip();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "{\"data\":\"hi\"}                                  | all:hi",
        "  { \"data\" : \"sp aced\" }                        | all:sp aced",
        "{\"data\":\"esc \\\" \\\\ \\n \\u00e9\"}            | `all:esc \" \\ \n é`",
        "{\"data\":{\"x\":[1,2,{\"y\":\"}\"}]}}               | `all:{\"x\":[1,2,{\"y\":\"}\"}]}`",
        "{\"data\":42}                                      | all:42",
        "{\"data\":null}                                    | all:null",
        "{\"to\":\"c1\",\"data\":\"psst\"}                   | to[c1]:psst",
        "{\"to\":[\"c1\",\"c2\"],\"data\":\"both\"}          | to[c1, c2]:both",
        "{\"to\":[],\"data\":\"nobody\"}                     | to[]:nobody",
        "{\"except\":\"c3\",\"data\":\"not you\"}            | except c3:not you",
        "{\"close\":\"c1\",\"code\":4000,\"reason\":\"bye\"} | close c1 4000 bye",
        "{\"close\":\"c1\"}                                  | close c1 1000 ",
        "{\"close\":\"c1\",\"code\":1011}                    | close c1 1000 ",
        "{\"close\":\"c1\",\"code\":\"4000\"}                | close c1 1000 ",
        "{\"x\":1}                                           | unchanged",
        "{}                                                  | unchanged",
        "[\"data\"]                                          | unchanged",
        "plain text                                          | unchanged",
        "{\"data\":\"unterminated                            | unchanged",
        "{\"data\":\"a\"} trailing                           | unchanged",
        "{\"data\":\"bad \\q escape\"}                       | unchanged",
    })
    void routes(String line, String expected) {
        assertThat(describe(RoomJson.route(line.strip()))).isEqualTo(expected == null ? "" : expected.strip());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "plain           | `\"plain\"`",
        "`quote \" back \\` | `\"quote \\\" back \\\\\"`",
        "`line\nbreak\ttab` | `\"line\\nbreak\\ttab\"`",
        "`\u0001`          | `\"\\u0001\"`",
    })
    void quotes(String text, String json) {
        assertThat(RoomJson.quote(text)).isEqualTo(json);
    }

    @org.junit.jupiter.api.Test
    void events() {
        assertThat(RoomJson.join("c1", "127.0.0.1", "a=1&b=\"x\"", null))
                .isEqualTo("{\"event\":\"join\",\"client\":\"c1\",\"remote\":\"127.0.0.1\",\"query\":\"a=1&b=\\\"x\\\"\"}");
        assertThat(RoomJson.message("c2", "hi\n")).isEqualTo("{\"event\":\"message\",\"client\":\"c2\",\"data\":\"hi\\n\"}");
        assertThat(RoomJson.leave("c3", null)).isEqualTo("{\"event\":\"leave\",\"client\":\"c3\"}");
    }
}
