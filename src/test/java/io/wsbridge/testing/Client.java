package io.wsbridge.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The JDK's WebSocket client with everything it receives queued as events: whole text messages, whole
 * binary messages, the close (code and reason) and errors. Every wait is bounded.
 */
public final class Client implements AutoCloseable {
    /** Something that happened on the connection. */
    public sealed interface Event permits Text, Binary, Closed, Failed {
    }

    public record Text(String text) implements Event {
    }

    public record Binary(byte[] data) implements Event {
    }

    public record Closed(int code, String reason) implements Event {
    }

    public record Failed(Throwable error) implements Event {
    }

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final WebSocket ws;

    private Client(String url, HttpClient http, String... subprotocols) throws Exception {
        WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
        if (subprotocols.length > 0) {
            builder.subprotocols(subprotocols[0], java.util.Arrays.copyOfRange(subprotocols, 1, subprotocols.length));
        }
        this.ws = builder.buildAsync(URI.create(url), new Collector()).get(10, TimeUnit.SECONDS);
    }

    public static Client connect(String url) throws Exception {
        return new Client(url, HTTP);
    }

    /** Through {@code http} (e.g. one with a test SSLContext for wss://), offering {@code subprotocols}. */
    public static Client connect(String url, HttpClient http, String... subprotocols) throws Exception {
        return new Client(url, http, subprotocols);
    }

    public WebSocket ws() {
        return ws;
    }

    public Client send(String text) throws Exception {
        ws.sendText(text, true).get(10, TimeUnit.SECONDS);
        return this;
    }

    public Client sendBinary(byte[] data) throws Exception {
        ws.sendBinary(ByteBuffer.wrap(data), true).get(10, TimeUnit.SECONDS);
        return this;
    }

    /** The next event; fails the test if none comes within {@code seconds}. */
    public Event next(long seconds) throws InterruptedException {
        Event e = events.poll(seconds, TimeUnit.SECONDS);
        if (e == null) {
            throw new AssertionError("nothing received within " + seconds + " s");
        }
        return e;
    }

    /** The next event if one comes within {@code millis}, else null. */
    public Event poll(long millis) throws InterruptedException {
        return events.poll(millis, TimeUnit.MILLISECONDS);
    }

    /** The next text message (fails on anything else). */
    public String nextText(long seconds) throws InterruptedException {
        Event e = next(seconds);
        if (e instanceof Text t) {
            return t.text();
        }
        throw new AssertionError("expected a text message, got " + e);
    }

    /** Skips messages until the close arrives. */
    public Closed awaitClose(long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            long left = deadline - System.nanoTime();
            Event e = events.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
            if (e == null) {
                throw new AssertionError("no close within " + seconds + " s");
            }
            if (e instanceof Closed c) {
                return c;
            }
            if (e instanceof Failed f) {
                throw new AssertionError("connection failed instead of closing", f.error());
            }
        }
    }

    public void closeNormally() throws Exception {
        ws.sendClose(1000, "bye").get(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        ws.abort();
    }

    private final class Collector implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();
        private final java.io.ByteArrayOutputStream binary = new java.io.ByteArrayOutputStream();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                events.add(new Text(text.toString()));
                text.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            byte[] b = new byte[data.remaining()];
            data.get(b);
            binary.writeBytes(b);
            if (last) {
                events.add(new Binary(binary.toByteArray()));
                binary.reset();
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            events.add(new Closed(statusCode, reason));
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            events.add(new Failed(error));
        }
    }
}
