package io.wsbridge.roombus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BusAddressTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "null", textBlock = """
            # url                              | tls   | host          | port | db | user  | password
            redis://127.0.0.1:6390             | false | 127.0.0.1     | 6390 | 0  | null  | null
            redis://localhost                  | false | localhost     | 6379 | 0  | null  | null
            redis://localhost/                 | false | localhost     | 6379 | 0  | null  | null
            redis://10.0.0.5:7000/3            | false | 10.0.0.5      | 7000 | 3  | null  | null
            rediss://cache.example:6380        | true  | cache.example | 6380 | 0  | null  | null
            redis://:pw@127.0.0.1:6390         | false | 127.0.0.1     | 6390 | 0  | null  | pw
            redis://pw@127.0.0.1               | false | 127.0.0.1     | 6379 | 0  | null  | pw
            redis://app:p%40ss:w@h:1/15        | false | h             | 1    | 15 | app   | p@ss:w
            redis://[::1]:6390/1               | false | ::1           | 6390 | 1  | null  | null
            redis://[::1]                      | false | ::1           | 6379 | 0  | null  | null
            """)
    void parses(String url, boolean tls, String host, int port, int db, String user, String password) throws Exception {
        assertThat(BusAddress.parse(url, null)).isEqualTo(new BusAddress(tls, host, port, db, user, password));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            # url                          | message contains
            http://127.0.0.1:6379          | not a redis:// or rediss:// URL
            redis://                       | no host
            redis://:6379                  | no host
            redis://h:0                    | invalid port '0'
            redis://h:65536                | invalid port '65536'
            redis://h:port                 | invalid port 'port'
            redis://h/x                    | invalid database 'x'
            redis://h/-1                   | invalid database '-1'
            redis://h?timeout=1            | query parameters are not supported
            redis://[::1                   | unclosed [
            redis://[::1]x                 | unexpected text after the host
            redis://::1:6379               | no host
            """)
    void refuses(String url, String message) {
        assertThatThrownBy(() -> BusAddress.parse(url, null))
                .isInstanceOf(BusAddress.InvalidAddressException.class)
                .hasMessageContaining(message);
    }

    @Test
    void emptyIsRefused() {
        assertThatThrownBy(() -> BusAddress.parse("", null)).hasMessageContaining("empty address");
    }

    private static BusAddress parse(String url) {
        try {
            return BusAddress.parse(url, null);
        } catch (BusAddress.InvalidAddressException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void messagesNeverShowThePassword() {
        assertThatThrownBy(() -> BusAddress.parse("redis://u:s3cret@h:99999", null))
                .hasMessageContaining("redis://u:***@h:99999").hasMessageNotContaining("s3cret");
        assertThat(parse("redis://u:s3cret@h:7/2").toString()).isEqualTo("redis://u@h:7/2");
        assertThat(parse("rediss://:s3cret@[::1]").toString()).isEqualTo("rediss://[::1]:6379");
    }

    @Test
    void passwordFileWinsOverTheUrlAndOnlyItsFirstLineCounts() throws Exception {
        Path file = Files.writeString(dir.resolve("pw"), "from-file\r\nignored\n");
        assertThat(BusAddress.parse("redis://:in-url@h", file).password()).isEqualTo("from-file");
        Path empty = Files.writeString(dir.resolve("empty"), "\n");
        assertThatThrownBy(() -> BusAddress.parse("redis://h", empty)).hasMessageContaining("is empty");
        assertThatThrownBy(() -> BusAddress.parse("redis://h", dir.resolve("missing")))
                .hasMessageContaining("can't read the password file");
    }
}
