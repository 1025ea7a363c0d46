import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * The greeter in Java, run as a single source file (no build step):
 * {@code bin/wsbridge --port=8080 java examples/Greeter.java}. Answers every message NAME with "Hello NAME!".
 *
 * <p>Buffering: this PrintStream flushes at every println (autoflush), so each answer is sent at once; a
 * BufferedWriter or a PrintWriter without autoflush would need flush(). Encoding: the program gets no LANG
 * from wsbridge, so the default charset may be ASCII; UTF-8 is set explicitly on both streams.
 * Start-up: the source is compiled at every launch, so each connection waits a second or so for its
 * first answer; a compiled class or jar starts faster.
 */
public class Greeter {
    public static void main(String[] args) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        String name;
        while ((name = in.readLine()) != null) {
            out.println("Hello " + name + "!");
        }
    }
}
