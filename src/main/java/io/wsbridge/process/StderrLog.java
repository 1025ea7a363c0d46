package io.wsbridge.process;

import io.netty.buffer.ByteBuf;
import io.wsbridge.logging.LogScope;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A child's stderr, logged line by line at ERROR (category "stderr") with the session's id, as websocketd
 * does; never sent to the client. Very long lines are logged in pieces instead of stopping the reader
 * (websocketd stops relaying stderr after a 4096-byte line and the child then hangs on a full pipe).
 */
public final class StderrLog {
    static final int MAX_LINE = 16 * 1024;

    private final LogScope log;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(128);

    public StderrLog(LogScope sessionLog) {
        this.log = sessionLog.category("stderr");
    }

    public void accept(ByteBuf chunk) {
        try {
            for (int i = chunk.readerIndex(); i < chunk.writerIndex(); i++) {
                byte b = chunk.getByte(i);
                if (b == '\n') {
                    emit();
                } else {
                    line.write(b);
                    if (line.size() >= MAX_LINE) {
                        emit();
                    }
                }
            }
        } finally {
            chunk.release();
        }
    }

    /** End of stderr: log what is left without a newline. */
    public void finish() {
        if (line.size() > 0) {
            emit();
        }
    }

    private void emit() {
        byte[] bytes = line.toByteArray();
        line.reset();
        int n = bytes.length;
        if (n > 0 && bytes[n - 1] == '\r') {
            n--;
        }
        log.error("{}", new String(bytes, 0, n, StandardCharsets.UTF_8));
    }
}
