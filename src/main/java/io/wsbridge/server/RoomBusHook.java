package io.wsbridge.server;

import io.wsbridge.cli.Config;
import io.wsbridge.roombus.BusSettings;
import io.wsbridge.roombus.BusUnavailableException;
import io.wsbridge.roombus.RoomBus;

/**
 * Connects --roombus. A class of its own, like {@link TlsHook}, so that no Redis class (nor the bus's exception
 * type, which the verifier would load with the class that catches it) is loaded without --roombus.
 */
final class RoomBusHook {
    private RoomBusHook() {
    }

    /** The bus, connected; Redis out of reach is a ListenException naming the URL (the server does not start). */
    static RoomBus connect(Config.Bus bus) throws ListenException {
        try {
            BusSettings defaults = BusSettings.defaults(bus.address());
            return RoomBus.connect(new BusSettings(bus.address(), bus.leaseMs(), defaults.outCap(), defaults.inCap()));
        } catch (BusUnavailableException e) {
            throw new ListenException(e.getMessage(), e);
        }
    }
}
