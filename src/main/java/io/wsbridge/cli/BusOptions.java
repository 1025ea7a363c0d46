package io.wsbridge.cli;

import io.wsbridge.roombus.BusAddress;
import java.nio.file.Path;

/**
 * --roombus, --roombus-password-file and --roombus-lease, checked at start-up so that a bad URL is a clear error.
 * A class of its own so that nothing of the bus (not even its exception type, which the verifier would load with
 * the class that catches it) is loaded when --roombus is not given.
 */
final class BusOptions {
    private BusOptions() {
    }

    static Config.Bus parse(String url, String passwordFile, long leaseMs) throws ConfigException {
        long lease = leaseMs;
        if (lease < 300) {
            throw ConfigParser.invalid("Invalid --roombus-lease " + leaseMs + ": at least 300 ms.");
        }
        try {
            return new Config.Bus(BusAddress.parse(url, passwordFile == null ? null : Path.of(passwordFile)), lease);
        } catch (BusAddress.InvalidAddressException e) {
            throw ConfigParser.invalid("Invalid --roombus: " + e.getMessage() + ".");
        }
    }
}
