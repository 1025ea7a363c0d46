package io.wsbridge.browser;

import static org.assertj.core.api.Assertions.assertThat;

import io.wsbridge.testing.Scripts;
import io.wsbridge.testing.TestServer;
import io.wsbridge.testing.browser.BrowserPage;
import io.wsbridge.testing.browser.Chromium;
import io.wsbridge.testing.browser.SharedChromium;
import io.wsbridge.testing.browser.TestPage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * --binary as a web page sees it: binaryType "blob" and "arraybuffer", Blobs and ArrayBuffers sent (canvas
 * pixels, a PNG from the canvas) and checked byte for byte on the child's side, and bufferedAmount draining
 * after a 10 MB send (--maxframesize=0).
 */
@Timeout(120)
@ExtendWith(SharedChromium.class)
class BrowserBinaryModeTest {
    /** Draws something with many different byte values, then the page can take its pixels or a PNG. */
    private static final String DRAW_CANVAS = """
            const canvas = document.createElement('canvas');
            canvas.width = 400;
            canvas.height = 320;
            const g = canvas.getContext('2d');
            const gradient = g.createLinearGradient(0, 0, 400, 320);
            gradient.addColorStop(0, '#ff2000');
            gradient.addColorStop(0.5, 'rgba(0, 255, 90, 0.5)');
            gradient.addColorStop(1, '#1030ff');
            g.fillStyle = gradient;
            g.fillRect(0, 0, 400, 320);
            for (let i = 0; i < 400; i += 3) {
              g.fillStyle = 'hsla(' + i + ', 80%, 50%, ' + ((i % 10) / 10) + ')';
              g.fillRect(i, (i * 13) % 320, 9, 9);
            }
            g.fillStyle = 'rgba(255, 255, 255, 0.7)';
            g.font = '48px sans-serif';
            g.fillText('wsbridge ✓', 40, 170);
            """;

    @TempDir
    static Path tmp;
    static Path received;
    static Chromium browser;
    static TestServer server;
    BrowserPage page;

    @BeforeAll
    static void start(Chromium shared) throws Exception {
        Path scripts = Files.createDirectories(tmp.resolve("scripts"));
        received = Files.createDirectories(tmp.resolve("received"));
        byte[] all = new byte[256];
        for (int i = 0; i < all.length; i++) {
            all[i] = (byte) i;
        }
        Files.write(tmp.resolve("all-bytes.bin"), all);
        Scripts.sh(scripts, "echo.sh", "exec cat");
        Scripts.sh(scripts, "bytes.sh", "cat " + tmp.resolve("all-bytes.bin") + "\nexit 0");
        // store.sh/NAME?N keeps the first N bytes it is sent in received/NAME and answers their SHA-256.
        Scripts.sh(scripts, "store.sh", "f=" + received + "\"$PATH_INFO\"\n"
                + "head -c \"$QUERY_STRING\" > \"$f\"\nsha256sum < \"$f\" | cut -c1-64");
        // sha.sh?N answers the SHA-256 of the first N bytes it is sent (without keeping them).
        Scripts.sh(scripts, "sha.sh", "head -c \"$QUERY_STRING\" | sha256sum | cut -c1-64");
        server = TestServer.start("--binary", "--maxframesize=0", "--dir=" + scripts,
                "--staticdir=" + TestPage.writeTo(tmp.resolve("www")));
        browser = shared;
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @BeforeEach
    void openPage() throws Exception {
        page = browser.newPage().navigate("http://127.0.0.1:" + server.port() + "/");
    }

    @AfterEach
    void closePage() throws Exception {
        if (page != null) {
            page.close();
        }
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> run(String asyncBody) throws Exception {
        return (Map<String, Object>) page.evaluate("(async () => {\n" + asyncBody + "\n})()");
    }

    @SuppressWarnings("unchecked")
    private static List<String> strings(Object jsonArray) {
        return (List<String>) jsonArray;
    }

    private static List<Long> zeroTo255() {
        return LongStream.range(0, 256).boxed().toList();
    }

    @Test
    void blobIsTheDefaultBinaryType() throws Exception {
        Map<String, Object> got = run("""
                const r = record(wsUrl('/bytes.sh'));
                const binaryType = r.ws.binaryType;
                await r.waitClosed();
                const bytes = concat(await Promise.all(r.data.map(bytesOf)));
                return {binaryType, events: r.events, allBlobs: r.data.every(d => d instanceof Blob),
                        bytes: Array.from(bytes)};""");
        assertThat(got.get("binaryType")).isEqualTo("blob");
        assertThat(got.get("allBlobs")).isEqualTo(true);
        assertThat(got.get("bytes")).isEqualTo(zeroTo255());
        assertThat(strings(got.get("events"))).first().isEqualTo("new 0");
        assertThat(strings(got.get("events"))).last().isEqualTo("close 1000 'exit status 0' clean 3");
    }

    @Test
    void arraybufferBinaryType() throws Exception {
        Map<String, Object> got = run("""
                const r = record(wsUrl('/bytes.sh'), 'arraybuffer');
                await r.waitClosed();
                const bytes = concat(await Promise.all(r.data.map(bytesOf)));
                return {events: r.events, allArrayBuffers: r.data.every(d => d instanceof ArrayBuffer),
                        bytes: Array.from(bytes)};""");
        assertThat(got.get("allArrayBuffers")).isEqualTo(true);
        assertThat(got.get("bytes")).isEqualTo(zeroTo255());
        assertThat(strings(got.get("events"))).last().isEqualTo("close 1000 'exit status 0' clean 3");
    }

    @Test
    void binaryTypeCanChangeBetweenMessages() throws Exception {
        Map<String, Object> got = run("""
                const r = record(wsUrl('/echo.sh'));
                await r.waitOpen();
                r.ws.send(new Uint8Array([1, 2, 3]));
                const first = await r.next();
                r.ws.binaryType = 'arraybuffer';
                r.ws.send(new Uint8Array([4, 5, 6]).buffer);
                const second = await r.next();
                r.ws.close();
                await r.waitClosed();
                return {events: r.events, first: Array.from(await bytesOf(first)),
                        second: Array.from(await bytesOf(second))};""");
        assertThat(strings(got.get("events"))).containsExactly("new 0", "open 1", "message Blob 3 1",
                "message ArrayBuffer 3 1", "close 1005 '' clean 3");
        assertThat(got.get("first")).isEqualTo(List.of(1L, 2L, 3L));
        assertThat(got.get("second")).isEqualTo(List.of(4L, 5L, 6L));
    }

    @Test
    void aBlobMadeOfPartsEchoesByteForByte() throws Exception {
        Map<String, Object> got = run("""
                const big = new Uint8Array(70000).map((_, i) => (i * 7 + (i >> 8)) & 255);
                const blob = new Blob([new Uint8Array([0, 255, 128]), 'text é 😀', big]);
                const sent = await bytesOf(blob);
                const r = record(wsUrl('/echo.sh'), 'arraybuffer');
                await r.waitOpen();
                r.ws.send(blob);
                const chunks = [];
                let length = 0;
                while (length < sent.length) {
                  const chunk = await bytesOf(await r.next());
                  chunks.push(chunk);
                  length += chunk.length;
                }
                r.ws.close();
                await r.waitClosed();
                return {size: blob.size, received: length, firstDifference: firstDifference(sent, concat(chunks))};""");
        assertThat(got).containsEntry("size", 3L + 12 + 70000).containsEntry("received", 3L + 12 + 70000)
                .containsEntry("firstDifference", -1L);
    }

    @Test
    void canvasPixelsAsAnArrayBufferArriveByteForByte() throws Exception {
        Map<String, Object> got = run(DRAW_CANVAS + """
                const pixels = g.getImageData(0, 0, 400, 320).data;
                const r = record(wsUrl('/store.sh/pixels.bin?' + pixels.length), 'arraybuffer');
                await r.waitOpen();
                r.ws.send(pixels.buffer);
                await r.waitClosed(10000);
                const answer = new TextDecoder().decode(concat(await Promise.all(r.data.map(bytesOf)))).trim();
                return {events: r.events.slice(-1), length: pixels.length, childSha256: answer,
                        pageSha256: await sha256Hex(pixels), base64: base64(new Uint8Array(pixels.buffer)),
                        distinctBytes: new Set(pixels).size};""");
        assertThat(got.get("events")).isEqualTo(List.of("close 1000 'exit status 0' clean 3"));
        assertThat(got.get("length")).isEqualTo(400L * 320 * 4);
        assertThat((Long) got.get("distinctBytes")).as("the pixels are not trivial").isGreaterThan(200);
        assertThat(got.get("childSha256")).isEqualTo(got.get("pageSha256"));
        byte[] pixels = Base64.getDecoder().decode((String) got.get("base64"));
        assertThat(Files.readAllBytes(received.resolve("pixels.bin"))).hasSize(512000).isEqualTo(pixels);
    }

    @Test
    void aPngBlobFromTheCanvasArrivesByteForByte() throws Exception {
        Map<String, Object> got = run(DRAW_CANVAS + """
                const png = await within(5000, 'canvas.toBlob', new Promise(resolve => canvas.toBlob(resolve, 'image/png')));
                const r = record(wsUrl('/store.sh/canvas.png?' + png.size));
                await r.waitOpen();
                r.ws.send(png);
                await r.waitClosed(10000);
                return {events: r.events.slice(-1), type: png.type, base64: base64(await bytesOf(png))};""");
        assertThat(got.get("events")).isEqualTo(List.of("close 1000 'exit status 0' clean 3"));
        assertThat(got.get("type")).isEqualTo("image/png");
        byte[] png = Base64.getDecoder().decode((String) got.get("base64"));
        assertThat(png).startsWith(0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n');
        assertThat(Files.readAllBytes(received.resolve("canvas.png"))).isEqualTo(png);
    }

    @Test
    void bufferedAmountReturnsToZeroAfterTenMegabytes() throws Exception {
        Map<String, Object> got = run("""
                const size = 10 * 1024 * 1024;
                const data = new Uint8Array(size);
                let x = 2463534242;
                for (let i = 0; i < size; i++) {
                  x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
                  data[i] = x & 255;
                }
                const expected = await sha256Hex(data);
                const r = record(wsUrl('/sha.sh?' + size), 'arraybuffer');
                await r.waitOpen();
                const before = r.ws.bufferedAmount;
                r.ws.send(data.buffer);
                const afterSend = r.ws.bufferedAmount;
                const samples = [];
                await within(20000, 'bufferedAmount to drain', new Promise(resolve => {
                  const poll = () => {
                    samples.push(r.ws.bufferedAmount);
                    if (r.ws.bufferedAmount === 0) resolve(); else setTimeout(poll, 5);
                  };
                  poll();
                }));
                await r.waitClosed(20000);
                const answer = new TextDecoder().decode(concat(await Promise.all(r.data.map(bytesOf)))).trim();
                return {before, afterSend, last: samples[samples.length - 1], polls: samples.length,
                        childSha256: answer, pageSha256: expected, close: r.events[r.events.length - 1]};""");
        assertThat(got).containsEntry("before", 0L).containsEntry("afterSend", 10L * 1024 * 1024)
                .containsEntry("last", 0L).containsEntry("close", "close 1000 'exit status 0' clean 3");
        assertThat(got.get("childSha256")).isEqualTo(got.get("pageSha256"));
    }
}
