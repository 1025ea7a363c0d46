package io.wsbridge.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** htpasswd files: the hash kinds htpasswd makes that are safe to accept, and a clear refusal of the rest. */
class HtpasswdTest {
    // Made by an independent implementation (libxcrypt's crypt(3), through perl): crypt("s3cret", "$2y$05$...").
    private static final String BCRYPT_2Y = "$2y$05$abcdefghijklmnopqrstuuLK7U1u6pVRmL7L1BBM2aS35PSZnDXlK";
    private static final String BCRYPT_2A = "$2a$05$abcdefghijklmnopqrstuuOQiyCxlgf/oeuTqixKmWdcYUh4Hjl0a"; // "secret"
    private static final String BCRYPT_2B = "$2b$05$abcdefghijklmnopqrstuuOQiyCxlgf/oeuTqixKmWdcYUh4Hjl0a"; // "secret"
    // htpasswd -s: {SHA} + base64(SHA-1("pw"))
    private static final String SHA = "{SHA}GpHWL3ymc5liWkNopqtdSjuqYHM=";

    @TempDir
    Path dir;

    private Path file(String text) throws Exception {
        Path f = dir.resolve("users");
        Files.writeString(f, text);
        return f;
    }

    @Test
    void knownVectorsOfEveryAcceptedKind() throws Exception {
        Htpasswd h = Htpasswd.read(file("# users\n\nalice:" + BCRYPT_2Y + "\ncarol:" + BCRYPT_2A + "\ndave:"
                + BCRYPT_2B + "\nbob:" + SHA + "\n"));
        assertThat(h.size()).isEqualTo(4);
        assertThat(h.verify("alice", "s3cret")).isTrue();
        assertThat(h.verify("alice", "s3cret ")).isFalse();
        assertThat(h.verify("alice", "secret")).isFalse();
        assertThat(h.verify("carol", "secret")).isTrue();
        assertThat(h.verify("dave", "secret")).isTrue();
        assertThat(h.verify("dave", "Secret")).isFalse();
        assertThat(h.verify("bob", "pw")).isTrue();
        assertThat(h.verify("bob", "pw2")).isFalse();
        assertThat(h.verify("nobody", "s3cret")).isFalse();
        assertThat(h.verify("alice", "x".repeat(100))).as("beyond bcrypt's 72 bytes: refused, no exception")
                .isFalse();
    }

    @Test
    void refusesWhatItCannotCheckSafelyNamingTheLine() throws Exception {
        String[][] cases = {
                {"alice:plain\n", ":1: user 'alice': plaintext or crypt() passwords are not accepted"},
                {"# c\nalice:$apr1$abc$def\n", ":2: user 'alice': Apache MD5 ($apr1$) hashes are not supported"},
                {"alice:$6$salt$hash\n", ":1: user 'alice': unknown hash kind '$6$'"},
                {"alice:$2y$05$short\n", ":1: user 'alice': malformed bcrypt hash"},
                {"alice:{SHA}notbase64!\n", ":1: user 'alice': malformed {SHA} hash"},
                {"\n\nno-colon\n", ":3: expected USER:HASH"},
                {"a:" + SHA + "\na:" + SHA + "\n", ":2: user 'a' is listed twice"},
        };
        for (String[] c : cases) {
            Path f = file(c[0]);
            assertThatThrownBy(() -> Htpasswd.read(f)).as(c[0]).isInstanceOf(AuthFileException.class)
                    .hasMessageStartingWith(f + c[1]);
        }
    }

    @Test
    void anUnknownUserCostsABcryptToo() throws Exception {
        // Timing-independence for user names: without the dummy check an unknown user answers in microseconds
        // and a known one in the time of a bcrypt, which tells an attacker which names exist. Cost 10, so the
        // difference would be a factor of thousands; the bound is loose on purpose.
        String cost10 = "$2y$10$abcdefghijklmnopqrstuu" + "0".repeat(31);
        Htpasswd h = Htpasswd.read(file("alice:" + cost10 + "\n"));
        long known = Long.MAX_VALUE;
        long unknown = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            long t0 = System.nanoTime();
            h.verify("alice", "guess");
            long t1 = System.nanoTime();
            h.verify("mallory", "guess");
            long t2 = System.nanoTime();
            known = Math.min(known, t1 - t0);
            unknown = Math.min(unknown, t2 - t1);
        }
        assertThat(unknown).as("unknown user %d ns, known user %d ns", unknown, known).isGreaterThan(known / 4);
    }
}
