package io.wsbridge.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A plain HTTP/1.1 client over a raw socket, for requests no polite client sends (raw "..", backslashes,
 * broken escapes, pipelining) and for checking responses byte for byte: bodies framed by Content-Length,
 * chunked encoding or the end of the connection. Every read is bounded by a timeout.
 */
public final class RawHttp implements AutoCloseable {
    /** One response; header names compared case-insensitively. */
    public record Response(int status, String reason, List<Map.Entry<String, String>> headerList, byte[] body) {
        public String header(String name) {
            for (Map.Entry<String, String> h : headerList) {
                if (h.getKey().equalsIgnoreCase(name)) {
                    return h.getValue();
                }
            }
            return null;
        }

        public List<String> headers(String name) {
            List<String> out = new ArrayList<>();
            for (Map.Entry<String, String> h : headerList) {
                if (h.getKey().equalsIgnoreCase(name)) {
                    out.add(h.getValue());
                }
            }
            return out;
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return status + " " + reason + " " + headerList + " " + (body.length > 200 ? body.length + " bytes"
                    : "'" + text() + "'");
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private RawHttp(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    public static RawHttp connect(int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        s.setSoTimeout(10_000);
        return new RawHttp(s);
    }

    /** GET {@code target} with a Host header and any {@code extraHeaders} ("Name: value"), on a new connection. */
    public static Response get(int port, String target, String... extraHeaders) throws IOException {
        return exchange(port, "GET", target, extraHeaders);
    }

    public static Response exchange(int port, String method, String target, String... extraHeaders)
            throws IOException {
        try (RawHttp http = connect(port)) {
            http.send(request(port, method, target, extraHeaders));
            return http.read(method.equals("HEAD"));
        }
    }

    /** A request head: "METHOD target HTTP/1.1", Host, the extra headers, and the empty line. */
    public static String request(int port, String method, String target, String... extraHeaders) {
        StringBuilder r = new StringBuilder(method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n");
        for (String h : extraHeaders) {
            r.append(h).append("\r\n");
        }
        return r.append("\r\n").toString();
    }

    public RawHttp send(String raw) throws IOException {
        return send(raw.getBytes(StandardCharsets.ISO_8859_1));
    }

    public RawHttp send(byte[] raw) throws IOException {
        out.write(raw);
        out.flush();
        return this;
    }

    public Socket socket() {
        return socket;
    }

    /** Reads one response (a 1xx interim response is returned as it is; read again for the final one). */
    public Response read(boolean toHead) throws IOException {
        String statusLine = line();
        if (statusLine == null) {
            throw new EOFException("connection closed before a response");
        }
        String[] parts = statusLine.split(" ", 3);
        int status = Integer.parseInt(parts[1]);
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        String l;
        while ((l = line()) != null && !l.isEmpty()) {
            int colon = l.indexOf(':');
            headers.add(new AbstractMap.SimpleImmutableEntry<>(l.substring(0, colon).trim(),
                    l.substring(colon + 1).trim()));
        }
        Response head = new Response(status, parts.length > 2 ? parts[2] : "", headers, new byte[0]);
        if (toHead || status < 200 || status == 204 || status == 304) {
            return head;
        }
        byte[] body;
        String te = head.header("Transfer-Encoding");
        String length = head.header("Content-Length");
        if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
            body = chunked();
        } else if (length != null) {
            body = in.readNBytes(Integer.parseInt(length));
            if (body.length != Integer.parseInt(length)) {
                throw new EOFException("body ended after " + body.length + " of " + length + " bytes");
            }
        } else {
            body = in.readAllBytes();
        }
        return new Response(status, head.reason(), headers, body);
    }

    private byte[] chunked() throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String size = line();
            if (size == null) {
                throw new EOFException("chunked body cut short");
            }
            int semi = size.indexOf(';');
            int n = Integer.parseInt((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
            if (n == 0) {
                String trailer;
                while ((trailer = line()) != null && !trailer.isEmpty()) {
                    // trailers are not used
                }
                return body.toByteArray();
            }
            byte[] data = in.readNBytes(n);
            if (data.length != n) {
                throw new EOFException("chunk cut short");
            }
            body.write(data);
            line();
        }
    }

    /** True when the server closes the connection within {@code timeout} (whatever it sends first is skipped). */
    public boolean closedWithin(Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
        try {
            byte[] buf = new byte[8192];
            while (in.read(buf) >= 0) {
                // drain
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                String s = b.toString(StandardCharsets.ISO_8859_1);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            b.write(c);
        }
        return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
