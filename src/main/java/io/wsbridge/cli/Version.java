package io.wsbridge.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The version stamped into the jar by the build (falls back to "dev" when run from classes). */
public final class Version {
    private static final String VERSION = load();

    private Version() {
    }

    public static String number() {
        return VERSION;
    }

    /** SERVER_SOFTWARE value for children, like websocketd's "websocketd/0.4.1". */
    public static String serverSoftware() {
        return "wsbridge/" + VERSION;
    }

    /** The --version line: name, version and the platform it runs on. */
    public static String line() {
        return "wsbridge " + VERSION + " (Java " + Runtime.version() + " " + System.getProperty("os.name") + "-"
                + System.getProperty("os.arch") + ")";
    }

    private static String load() {
        try (InputStream in = Version.class.getResourceAsStream("/wsbridge-version.properties")) {
            if (in == null) {
                return "dev";
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "dev");
            return v.startsWith("${") ? "dev" : v;
        } catch (IOException e) {
            return "dev";
        }
    }
}
