package io.wsbridge.roombus;

/**
 * A bus in a JVM of its own. {@link RoomBusClassLoadingTest} runs it with -verbose:class: "address" only parses a
 * bus URL (what the command line does), "connect" starts a bus against a closed port (what --roombus does).
 * {@link RoomBusTlsTest} runs "url" with a trust store: it connects to the URL given and says so.
 */
public final class LoadProbe {
    private LoadProbe() {
    }

    public static void main(String[] args) throws Exception {
        if (args[0].equals("url")) {
            try (RoomBus bus = RoomBus.connect(BusSettings.defaults(BusAddress.parse(args[1], null)))) {
                System.out.println("connected: " + bus.connected());
            } catch (BusUnavailableException e) {
                System.out.println("unavailable: " + e.getMessage());
            }
        } else if (args[0].equals("address")) {
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
