package io.wsbridge.docs;

import io.wsbridge.cli.ConfigParser;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import picocli.AutoComplete;
import picocli.CommandLine;

/**
 * Build step: writes the man page and the bash and zsh completions, all from the command-line model, into a
 * directory: {@code man/wsbridge.1}, {@code man/wsbridge.1.gz}, {@code completion/wsbridge.bash},
 * {@code completion/_wsbridge}. Run by the packaging profiles as {@code java -cp wsbridge.jar
 * io.wsbridge.docs.GenerateDocs DIR}.
 */
public final class GenerateDocs {
    private GenerateDocs() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: GenerateDocs OUTPUT_DIR");
            System.exit(2);
        }
        write(Path.of(args[0]));
    }

    public static void write(Path dir) throws IOException {
        CommandLine cli = ConfigParser.newCommandLine();
        Path man = Files.createDirectories(dir.resolve("man"));
        String page = ManPage.render(cli.getCommandSpec());
        Files.writeString(man.resolve("wsbridge.1"), page, StandardCharsets.UTF_8);
        // GZIPOutputStream writes no name and a zero time stamp: the same page gives the same bytes.
        try (OutputStream gz = new GZIPOutputStream(Files.newOutputStream(man.resolve("wsbridge.1.gz")))) {
            gz.write(page.getBytes(StandardCharsets.UTF_8));
        }
        Path completion = Files.createDirectories(dir.resolve("completion"));
        Files.writeString(completion.resolve("wsbridge.bash"), AutoComplete.bash("wsbridge", cli),
                StandardCharsets.UTF_8);
        Files.writeString(completion.resolve("_wsbridge"), ZshCompletion.render(cli.getCommandSpec()),
                StandardCharsets.UTF_8);
    }
}
