package io.wsbridge.testing.browser;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One browser tab: navigate, run JavaScript, and use it as a person would (mouse clicks at an element's
 * position, typing, Enter). What the browser logs (console messages and its own network errors, such as a
 * refused WebSocket handshake) is collected for assertions.
 */
public final class BrowserPage implements AutoCloseable {
    private static final Duration TIMEOUT = Chromium.CALL_TIMEOUT;
    /** Longer than any wait inside the test scripts (within(...)), so those report what they waited for. */
    private static final Duration SCRIPT_TIMEOUT = Duration.ofSeconds(60);

    private final Cdp cdp;
    private final String targetId;
    private final String sessionId;
    private final List<String> log = new CopyOnWriteArrayList<>();
    private final Cdp.EventListener logCollector;

    BrowserPage(Cdp cdp, String targetId, String sessionId) throws Exception {
        this.cdp = cdp;
        this.targetId = targetId;
        this.sessionId = sessionId;
        this.logCollector = (session, method, params) -> {
            if (sessionId.equals(session)) {
                collect(method, params);
            }
        };
        cdp.addListener(logCollector);
        call("Page.enable", Map.of());
        call("Log.enable", Map.of());
        call("Runtime.enable", Map.of());
    }

    @SuppressWarnings("unchecked")
    private void collect(String method, Map<String, Object> params) {
        if (method.equals("Log.entryAdded")) {
            Map<String, Object> entry = (Map<String, Object>) params.get("entry");
            log.add(entry.get("level") + ": " + entry.get("text"));
        } else if (method.equals("Runtime.consoleAPICalled")) {
            StringBuilder line = new StringBuilder("console." + params.get("type") + ":");
            for (Object arg : (List<Object>) params.get("args")) {
                Map<String, Object> a = (Map<String, Object>) arg;
                line.append(' ').append(a.containsKey("value") ? a.get("value") : a.get("description"));
            }
            log.add(line.toString());
        } else if (method.equals("Runtime.exceptionThrown")) {
            Map<String, Object> details = (Map<String, Object>) params.get("exceptionDetails");
            log.add("exception: " + describe(details));
        }
    }

    /** Everything the page and the browser logged for it so far. */
    public List<String> log() {
        return List.copyOf(log);
    }

    /** Waits until a line of {@link #log()} contains {@code fragment} (log events arrive asynchronously). */
    public String awaitLog(String fragment, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (String line : log) {
                if (line.contains(fragment)) {
                    return line;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the browser logged nothing containing \"" + fragment + "\" within "
                        + timeout + "; it logged: " + log());
            }
            Thread.sleep(20);
        }
    }

    /**
     * Waits for Chromium's log line about an upgrade to {@code url} refused with HTTP {@code status}: the page
     * itself only sees an error event and a 1006 close, the status is in the browser's log.
     */
    public void awaitRefusedHandshake(String url, int status) throws InterruptedException {
        awaitLog("WebSocket connection to '" + url + "' failed: Error during WebSocket handshake: "
                + "Unexpected response code: " + status, Duration.ofSeconds(5));
    }

    /** Loads {@code url} and waits for its load event. */
    public BrowserPage navigate(String url) throws Exception {
        CompletableFuture<Map<String, Object>> loaded = cdp.nextEvent(sessionId, "Page.loadEventFired");
        Map<String, Object> result = call("Page.navigate", Map.of("url", url));
        if (result.get("errorText") != null) {
            throw new AssertionError("navigating to " + url + " failed: " + result.get("errorText"));
        }
        try {
            loaded.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            loaded.cancel(false);
            throw new AssertionError(url + " did not finish loading within " + TIMEOUT);
        }
        return this;
    }

    /**
     * Runs {@code expression} in the page and returns its value as JSON types (see {@link Json}); a promise is
     * awaited first. A JavaScript exception or rejection fails the test with its message and stack.
     */
    public Object evaluate(String expression) throws Exception {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("expression", expression);
        params.put("awaitPromise", true);
        params.put("returnByValue", true);
        params.put("userGesture", false);
        Map<String, Object> result = cdp.call(sessionId, "Runtime.evaluate", params, SCRIPT_TIMEOUT);
        if (result.get("exceptionDetails") instanceof Map<?, ?> details) {
            throw new AssertionError("JavaScript failed: " + describe(details) + "\nbrowser log: " + log());
        }
        Map<?, ?> value = (Map<?, ?>) result.get("result");
        return value.get("value");
    }

    /** {@link #evaluate} for an expression whose value is a string. */
    public String evaluateString(String expression) throws Exception {
        Object value = evaluate(expression);
        if (!(value instanceof String s)) {
            throw new AssertionError("expected a string from " + expression + ", got " + value);
        }
        return s;
    }

    /** Polls a JavaScript condition until it is truthy, failing after {@code timeout}. */
    public void waitFor(String condition, Duration timeout, String what) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!Boolean.TRUE.equals(evaluate("!!(" + condition + ")"))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what + " (" + condition
                        + ")\nbrowser log: " + log());
            }
            Thread.sleep(20);
        }
    }

    /** A real left click (mouse moved, pressed, released) at the centre of the first element matching. */
    @SuppressWarnings("unchecked")
    public void click(String selector) throws Exception {
        Object where = evaluate("""
                (() => {
                  const e = document.querySelector(%s);
                  if (!e) return null;
                  e.scrollIntoView({block: 'center'});
                  const r = e.getBoundingClientRect();
                  return {x: r.left + r.width / 2, y: r.top + r.height / 2};
                })()""".formatted(Json.write(selector)));
        if (!(where instanceof Map<?, ?>)) {
            throw new AssertionError("no element " + selector + " to click");
        }
        Map<String, Object> point = (Map<String, Object>) where;
        double x = ((Number) point.get("x")).doubleValue();
        double y = ((Number) point.get("y")).doubleValue();
        mouse("mouseMoved", x, y, 0);
        mouse("mousePressed", x, y, 1);
        mouse("mouseReleased", x, y, 1);
    }

    private void mouse(String type, double x, double y, int clickCount) throws Exception {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("type", type);
        params.put("x", x);
        params.put("y", y);
        params.put("button", clickCount == 0 ? "none" : "left");
        params.put("buttons", type.equals("mousePressed") ? 1 : 0);
        params.put("clickCount", clickCount);
        call("Input.dispatchMouseEvent", params);
    }

    /** Types {@code text} into the focused element, as an input method would (any Unicode). */
    public void type(String text) throws Exception {
        call("Input.insertText", Map.of("text", text));
    }

    /** Presses and releases the Enter key in the focused element. */
    public void pressEnter() throws Exception {
        Map<String, Object> down = new LinkedHashMap<>();
        down.put("type", "keyDown");
        down.put("key", "Enter");
        down.put("code", "Enter");
        down.put("windowsVirtualKeyCode", 13);
        down.put("text", "\r");
        call("Input.dispatchKeyEvent", down);
        call("Input.dispatchKeyEvent", Map.of("type", "keyUp", "key", "Enter", "code", "Enter",
                "windowsVirtualKeyCode", 13));
    }

    private Map<String, Object> call(String method, Map<String, Object> params) throws Exception {
        return cdp.call(sessionId, method, params, TIMEOUT);
    }

    /** An exception's message and stack when the page threw an Error, else what was thrown, else the summary. */
    private static String describe(Map<?, ?> details) {
        if (details.get("exception") instanceof Map<?, ?> exception) {
            Object described = exception.get("description") != null ? exception.get("description")
                    : exception.get("value");
            if (described != null) {
                return String.valueOf(described);
            }
        }
        return String.valueOf(details.get("text"));
    }

    @Override
    public void close() throws Exception {
        cdp.removeListener(logCollector);
        if (cdp.isOpen()) {
            cdp.call(null, "Target.closeTarget", Map.of("targetId", targetId), TIMEOUT);
        }
    }
}
