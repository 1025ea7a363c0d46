package io.wsbridge.testing.browser;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One Chrome DevTools Protocol connection (to the browser target, sessions flattened into it) over the JDK's
 * WebSocket client. Commands are answered by id; events go to listeners. Every call has a time limit, and
 * if the connection drops every pending call fails at once instead of waiting out its limit.
 */
public final class Cdp implements AutoCloseable {
    /** Receives protocol events; {@code sessionId} is null for browser-level events. */
    public interface EventListener {
        void onEvent(String sessionId, String method, Map<String, Object> params);
    }

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, CompletableFuture<Map<String, Object>>> pending = new ConcurrentHashMap<>();
    private final List<EventListener> listeners = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private final WebSocket ws;

    private Cdp(URI endpoint, Duration timeout) throws Exception {
        // The JDK client sends no Origin header, which is what Chromium's DevTools endpoint wants.
        this.ws = HTTP.newWebSocketBuilder().connectTimeout(timeout)
                .buildAsync(endpoint, new Receiver()).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public static Cdp connect(URI endpoint, Duration timeout) throws Exception {
        return new Cdp(endpoint, timeout);
    }

    public void addListener(EventListener listener) {
        listeners.add(listener);
    }

    public void removeListener(EventListener listener) {
        listeners.remove(listener);
    }

    /** The first event {@code method} on {@code sessionId} from now on (register before causing it). */
    public CompletableFuture<Map<String, Object>> nextEvent(String sessionId, String method) {
        CompletableFuture<Map<String, Object>> next = new CompletableFuture<>();
        EventListener listener = new EventListener() {
            @Override
            public void onEvent(String s, String m, Map<String, Object> params) {
                if (m.equals(method) && Objects.equals(s, sessionId)) {
                    next.complete(params);
                }
            }
        };
        addListener(listener);
        next.whenComplete((v, e) -> removeListener(listener)); // also when the caller gives up (cancel)
        closed.whenComplete((v, e) -> next.completeExceptionally(new IllegalStateException("DevTools connection closed")));
        return next;
    }

    /** Sends a command and waits at most {@code timeout} for its result. */
    public Map<String, Object> call(String sessionId, String method, Map<String, Object> params, Duration timeout)
            throws Exception {
        long id = ids.incrementAndGet();
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("id", id);
        message.put("method", method);
        message.put("params", params == null ? Map.of() : params);
        if (sessionId != null) {
            message.put("sessionId", sessionId);
        }
        CompletableFuture<Map<String, Object>> reply = new CompletableFuture<>();
        pending.put(id, reply);
        try {
            if (closed.isDone()) {
                throw new IllegalStateException("DevTools connection closed before " + method);
            }
            synchronized (ws) { // the JDK WebSocket allows one outstanding send at a time
                ws.sendText(Json.write(message), true).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            }
            Map<String, Object> answer = reply.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (answer.get("error") instanceof Map<?, ?> error) {
                throw new CdpException(method + " failed: " + error.get("message") + " " + error.get("data"));
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> result = (Map<String, Object>) answer.getOrDefault("result", Map.of());
            return result;
        } catch (TimeoutException e) {
            throw new AssertionError("DevTools call " + method + " got no answer within " + timeout, e);
        } catch (ExecutionException e) {
            throw new AssertionError("DevTools call " + method + " failed: " + e.getCause(), e.getCause());
        } finally {
            pending.remove(id);
        }
    }

    public boolean isOpen() {
        return !closed.isDone();
    }

    @Override
    public void close() {
        if (!closed.isDone()) {
            ws.abort();
            connectionClosed("closed by the test");
        }
    }

    private void connectionClosed(String why) {
        closed.complete(null);
        IllegalStateException gone = new IllegalStateException("DevTools connection closed: " + why);
        pending.values().forEach(f -> f.completeExceptionally(gone));
    }

    @SuppressWarnings("unchecked")
    private void dispatch(String text) {
        Map<String, Object> message = (Map<String, Object>) Json.parse(text);
        Object id = message.get("id");
        if (id != null) {
            CompletableFuture<Map<String, Object>> reply = pending.get(((Number) id).longValue());
            if (reply != null) {
                reply.complete(message);
            }
            return;
        }
        String method = (String) message.get("method");
        Map<String, Object> params = (Map<String, Object>) message.getOrDefault("params", Map.of());
        String sessionId = (String) message.get("sessionId");
        for (EventListener l : listeners) {
            l.onEvent(sessionId, method, params);
        }
    }

    /** Reassembles messages that arrive in parts and hands whole ones to {@link #dispatch}. */
    private final class Receiver implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String whole = partial.toString();
                partial.setLength(0);
                try {
                    dispatch(whole);
                } catch (RuntimeException e) {
                    e.printStackTrace(); // a bad message or listener must not stop the connection
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            connectionClosed("browser closed it (" + statusCode + " " + reason + ")");
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            connectionClosed(error.toString());
        }
    }

    /** The browser answered a command with an error. */
    public static final class CdpException extends RuntimeException {
        CdpException(String message) {
            super(message);
        }
    }
}
