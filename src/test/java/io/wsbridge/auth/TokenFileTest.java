package io.wsbridge.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenFileTest {
    @TempDir
    Path dir;

    private Path file(String text) throws Exception {
        Path f = dir.resolve("tokens");
        Files.writeString(f, text);
        return f;
    }

    @Test
    void plainNamedAndHashedTokens() throws Exception {
        String hashed = HexFormat.of().formatHex(TokenFile.sha256("hashed-token-0123456789"));
        TokenFile t = TokenFile.read(file("# tokens\nanonymous-token-0123\nrobot:robot-token-0123456\n"
                + "ci:sha256:" + hashed + "\n\n"));
        assertThat(t.size()).isEqualTo(3);
        assertThat(t.verify("anonymous-token-0123")).isEqualTo("");
        assertThat(t.verify("robot-token-0123456")).isEqualTo("robot");
        assertThat(t.verify("hashed-token-0123456789")).isEqualTo("ci");
        assertThat(t.verify("robot-token-012345")).as("a prefix is not the token").isNull();
        assertThat(t.verify("")).isNull();
        assertThat(t.verify("sha256:" + hashed)).as("the digest itself is not a token").isNull();
    }

    @Test
    void refusesGuessableAndMalformedEntriesNamingTheLine() throws Exception {
        String[][] cases = {
                {"short\n", ":1: token shorter than 16 characters"},
                {"\nname:sha256:abc\n", ":2: sha256: must be followed by 64 hex digits"},
                {"token with spaces inside\n", ":1: tokens are letters, digits and -._~+/="},
        };
        for (String[] c : cases) {
            Path f = file(c[0]);
            assertThatThrownBy(() -> TokenFile.read(f)).as(c[0]).isInstanceOf(AuthFileException.class)
                    .hasMessageStartingWith(f + c[1]);
        }
    }
}
