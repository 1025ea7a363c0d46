package io.wsbridge.roombus;

/**
 * Run in a JVM of its own with -verbose:class by {@link RoomBusClassLoadingTest}: "address" only parses a bus URL
 * (what the command line does), "connect" starts a bus against a closed port (what --roombus does).
 */
public final class LoadProbe {
    private LoadProbe() {
    }

    public static void main(String[] args) throws Exception {
        if (args[0].equals("address")) {
            System.out.println("parsed " + BusAddress.parse("redis://127.0.0.1:" + args[1], null));
        } else {
            try {
                RoomBus.connect(BusSettings.defaults(BusAddress.parse("redis://127.0.0.1:" + args[1], null))).close();
            } catch (BusUnavailableException e) {
                System.out.println("unavailable: " + e.getMessage());
            }
        }
    }
}
