package io.wsbridge.testing;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code openssl s_client} as a wss:// client: it does the TLS (verifying the server against a CA file,
 * presenting a client certificate if given), this class writes the upgrade request and one line as a text message
 * through it and reads the answer. A client outside the JVM, so the JDK's certificate parser plays no part.
 */
public final class OpensslWebSocket {
    /** The HTTP status (-1: the connection ended first), the first message's text, and s_client's stderr. */
    public record Result(int status, String text, String diagnostics) {
    }

    private OpensslWebSocket() {
    }

    public static Result echo(int port, Path caFile, Path clientCert, Path clientKey, String message)
            throws Exception {
        List<String> cmd = new ArrayList<>(List.of("openssl", "s_client", "-quiet", "-connect",
                "127.0.0.1:" + port, "-CAfile", caFile.toString(), "-verify_return_error",
                "-verify_ip", "127.0.0.1"));
        if (clientCert != null) {
            cmd.addAll(List.of("-cert", clientCert.toString(), "-key", clientKey.toString()));
        }
        Path stderr = Files.createTempFile("s_client", ".err");
        Process p = new ProcessBuilder(cmd).redirectError(stderr.toFile()).start();
        try {
            OutputStream out = p.getOutputStream();
            out.write(("GET / HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            // The message goes after the 101 (RFC 6455 4.1: a client waits for the handshake's answer).
            byte[] frame = RawWebSocket.frame(RawWebSocket.TEXT, true,
                    (message + "\n").getBytes(StandardCharsets.UTF_8), true, 0);
            DataInputStream in = new DataInputStream(p.getInputStream());
            CompletableFuture<Result> reply = CompletableFuture.supplyAsync(() -> exchange(in, out, frame));
            Result r;
            try {
                r = reply.get(20, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                throw new AssertionError("no answer through openssl s_client within 20 s: " + Files.readString(stderr));
            }
            return new Result(r.status(), r.text(), Files.readString(stderr));
        } finally {
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            Files.deleteIfExists(stderr);
        }
    }

    private static Result exchange(DataInputStream in, OutputStream out, byte[] frame) {
        try {
            String status = line(in);
            if (status == null) {
                return new Result(-1, null, "");
            }
            for (String h = line(in); h != null && !h.isEmpty(); h = line(in)) {
                // headers are not needed here
            }
            int code = Integer.parseInt(status.split(" ")[1]);
            if (code != 101) {
                return new Result(code, null, "");
            }
            try {
                out.write(frame);
                out.flush();
                in.readUnsignedByte();
                int length = in.readUnsignedByte() & 0x7f;
                if (length >= 126) {
                    length = length == 126 ? in.readUnsignedShort() : (int) in.readLong();
                }
                byte[] payload = new byte[length];
                in.readFully(payload);
                return new Result(code, new String(payload, StandardCharsets.UTF_8), "");
            } catch (IOException e) {
                return new Result(code, null, "");
            }
        } catch (IOException | RuntimeException e) {
            return new Result(-1, null, "");
        }
    }

    private static String line(DataInputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c = in.read(); c >= 0; c = in.read()) {
            if (c == '\n') {
                String s = b.toString(StandardCharsets.ISO_8859_1);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            b.write(c);
        }
        return null;
    }
}
