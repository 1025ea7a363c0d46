package io.wsbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** --rooms and its flags: defaults, values, and the combinations refused at start-up. */
class RoomFlagsTest {
    private static final Map<String, String> ENV = Map.of("PATH", "/usr/local/bin:/usr/bin:/bin");

    private static ConfigParser.Outcome parse(String line) {
        return new ConfigParser(ENV).parse(line.split(" "));
    }

    @Test
    void offByDefaultAndWebsocketdsModelStays() {
        Config c = ((ConfigParser.Run) parse("cat")).config();
        assertThat(c.rooms()).isEqualTo(Config.Rooms.OFF);
        assertThat(c.rooms().enabled()).isFalse();
    }

    @Test
    void roomDefaults() {
        Config.Rooms r = ((ConfigParser.Run) parse("--rooms cat")).config().rooms();
        assertThat(r).isEqualTo(new Config.Rooms(true, false, 0, 0, 0, 1 << 20, Config.SlowClient.CLOSE));
    }

    @Test
    void everyRoomFlag() {
        Config.Rooms r = ((ConfigParser.Run) parse("--rooms --roomjson --roomhistory=50 --roomlinger=2000 "
                + "--roommaxclients=10 --clientbuffer=64k --slowclient=WAIT cat")).config().rooms();
        assertThat(r).isEqualTo(new Config.Rooms(true, true, 50, 2000, 10, 64 << 10, Config.SlowClient.WAIT));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "--roomjson cat                            | only apply with --rooms",
        "--slowclient=drop cat                     | only apply with --rooms",
        "--rooms --slowclient=later cat            | Invalid --slowclient 'later': use close, drop or wait.",
        "--rooms --roomhistory=-1 cat              | must not be negative",
        "--rooms --clientbuffer=0 cat              | Invalid --clientbuffer 0",
        "--rooms --roomjson --binary cat           | --roomjson speaks JSON lines",
        "--rooms --roomjson --framing=nul cat      | --roomjson speaks JSON lines",
        "--rooms --staticdir=/tmp                  | --rooms needs a COMMAND or --dir.",
    })
    void refused(String line, String message) {
        ConfigParser.Outcome o = parse(line.strip());
        assertThat(o).isInstanceOf(ConfigParser.Exit.class);
        ConfigParser.Exit exit = (ConfigParser.Exit) o;
        assertThat(exit.code()).isNotZero();
        assertThat(exit.stderr()).contains(message.strip());
    }
}
