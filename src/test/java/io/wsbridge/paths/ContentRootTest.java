package io.wsbridge.paths;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real files, real symlinks: what is inside the root is found, nothing outside ever is. */
class ContentRootTest {
    @TempDir
    Path tmp;
    Path www;
    ContentRoot root;

    @BeforeEach
    void tree() throws Exception {
        www = Files.createDirectories(tmp.resolve("www"));
        Files.writeString(www.resolve("a.txt"), "a");
        Files.writeString(www.resolve(".hidden"), "h");
        Files.createDirectories(www.resolve("sub/.git"));
        Files.writeString(www.resolve("sub/b.txt"), "b");
        Files.writeString(www.resolve("sub/.git/config"), "c");
        Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(tmp.resolve("outside/secret.txt"), "TOP SECRET");
        // A sibling whose name starts like the root's: a string-prefix check would let it through.
        Files.createDirectories(tmp.resolve("www2"));
        Files.writeString(tmp.resolve("www2/secret.txt"), "TOP SECRET");
        Files.createSymbolicLink(www.resolve("link-in"), www.resolve("sub/b.txt"));
        Files.createSymbolicLink(www.resolve("link-relative"), Path.of("sub/b.txt"));
        Files.createSymbolicLink(www.resolve("link-out"), tmp.resolve("outside/secret.txt"));
        Files.createSymbolicLink(www.resolve("link-sibling"), Path.of("../www2/secret.txt"));
        Files.createSymbolicLink(www.resolve("dir-out"), tmp.resolve("outside"));
        Files.createSymbolicLink(www.resolve("dangling"), tmp.resolve("nothing-here"));
        Process mkfifo = new ProcessBuilder("mkfifo", www.resolve("fifo").toString()).start();
        assertThat(mkfifo.waitFor(10, TimeUnit.SECONDS)).isTrue();
        root = new ContentRoot(www);
    }

    private Optional<ContentRoot.Entry> find(String path) {
        return UrlPath.parse(path).flatMap(root::find);
    }

    private Optional<ContentRoot.Script> script(String path) {
        return UrlPath.parse(path).flatMap(root::findScript);
    }

    @Test
    void findsFilesAndDirectoriesByTheirRealPath() throws Exception {
        assertThat(find("/a.txt")).map(ContentRoot.Entry::realPath).contains(www.resolve("a.txt").toRealPath());
        assertThat(find("/sub")).map(ContentRoot.Entry::isDirectory).contains(true);
        assertThat(find("/")).map(ContentRoot.Entry::realPath).contains(www.toRealPath());
        assertThat(find("/link-in")).map(ContentRoot.Entry::realPath).contains(www.resolve("sub/b.txt").toRealPath());
        assertThat(find("/link-relative")).isPresent();
    }

    @Test
    void neverFindsDotfilesOrAnythingOutside() {
        for (String p : new String[] {"/.hidden", "/sub/.git/config", "/sub/.git", "/link-out", "/link-sibling",
                "/dir-out/secret.txt", "/dir-out", "/dangling", "/fifo", "/nope", "/a.txt/x", "/%2e%2e/outside/secret.txt",
                "/../www2/secret.txt"}) {
            assertThat(find(p)).as(p).isEmpty();
        }
    }

    @Test
    void scriptWalkStopsAtTheFirstFile() {
        ContentRoot.Script s = script("/sub/b.txt/extra/x").orElseThrow();
        assertThat(s.scriptName()).isEqualTo("/sub/b.txt");
        assertThat(s.pathInfo()).isEqualTo("/extra/x");
        assertThat(s.file()).isEqualTo(www.resolve("sub/b.txt"));
        assertThat(script("/a.txt").orElseThrow().pathInfo()).isEmpty();
        assertThat(script("/a.txt/").orElseThrow().pathInfo()).isEqualTo("/");
        assertThat(script("/link-in/p").orElseThrow().scriptName()).isEqualTo("/link-in");
    }

    @Test
    void scriptWalkRefusesDirectoriesDotfilesAndEscapes() {
        for (String p : new String[] {"/", "/sub", "/sub/", "/.hidden", "/sub/.git/config", "/link-out",
                "/link-sibling", "/dir-out/secret.txt", "/fifo", "/dangling", "/nope/x"}) {
            assertThat(script(p)).as(p).isEmpty();
        }
    }

    @Test
    void aRootGivenThroughASymlinkIsItsRealDirectory() throws Exception {
        Path alias = Files.createSymbolicLink(tmp.resolve("alias"), www);
        ContentRoot viaAlias = new ContentRoot(alias);
        assertThat(viaAlias.path()).isEqualTo(www.toRealPath());
        assertThat(UrlPath.parse("/a.txt").flatMap(viaAlias::find)).isPresent();
        assertThat(UrlPath.parse("/link-out").flatMap(viaAlias::find)).isEmpty();
    }

    @Test
    void childOfAVouchedDirectory() throws Exception {
        Files.writeString(www.resolve("sub/index.html"), "i");
        Files.createDirectories(www.resolve("d2"));
        Files.createSymbolicLink(www.resolve("d2/index.html"), tmp.resolve("outside/secret.txt"));
        assertThat(root.child(www.resolve("sub").toRealPath(), "index.html")).isPresent();
        assertThat(root.child(www.resolve("d2").toRealPath(), "index.html")).isEmpty();
        assertThat(root.child(www.toRealPath(), "index.html")).isEmpty();
    }
}
