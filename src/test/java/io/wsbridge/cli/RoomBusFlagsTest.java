package io.wsbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.wsbridge.roombus.BusAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RoomBusFlagsTest {
    @TempDir
    Path dir;

    private static ConfigParser.Outcome parse(String... args) {
        return new ConfigParser(Map.of()).parse(args);
    }

    @Test
    void theBusWithItsDefaults() {
        Config c = ((ConfigParser.Run) parse("--rooms", "--roombus=redis://127.0.0.1:6390/2", "/bin/cat")).config();
        assertThat(c.rooms().bus()).isEqualTo(new Config.Bus(new BusAddress(false, "127.0.0.1", 6390, 2, null, null),
                5000));
        assertThat(((ConfigParser.Run) parse("--rooms", "/bin/cat")).config().rooms().bus()).isNull();
    }

    @Test
    void passwordFileAndLease() throws Exception {
        Path pw = Files.writeString(dir.resolve("pw"), "s3cret\n");
        Config c = ((ConfigParser.Run) parse("--rooms", "--roombus=rediss://cache:6380",
                "--roombus-password-file=" + pw, "--roombus-lease=2000", "/bin/cat")).config();
        assertThat(c.rooms().bus()).isEqualTo(new Config.Bus(new BusAddress(true, "cache", 6380, 0, null, "s3cret"),
                2000));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            --roombus=redis://h /bin/cat | only apply with --rooms
            --rooms --roombus-lease=2000 /bin/cat | only apply with --roombus
            --rooms --roombus=redis://h --roombus-lease=100 /bin/cat | at least 300 ms
            --rooms --roombus=http://h /bin/cat | Invalid --roombus: 'http://h' is not a redis
            --rooms --roombus=redis://:pw@h:0 /bin/cat | invalid port '0'
            """)
    void refused(String args, String message) {
        ConfigParser.Outcome o = parse(args.split(" "));
        assertThat(o).isInstanceOf(ConfigParser.Exit.class);
        String text = ((ConfigParser.Exit) o).stderr();
        assertThat(text).contains(message).doesNotContain(":pw@");
    }
}
