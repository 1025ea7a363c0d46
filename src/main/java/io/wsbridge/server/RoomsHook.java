package io.wsbridge.server;

import io.netty.buffer.ByteBufAllocator;
import io.wsbridge.cli.Config;
import io.wsbridge.http.CgiEnvironment;
import io.wsbridge.metrics.MetricsSetup;
import io.wsbridge.metrics.RoomMetrics;
import io.wsbridge.process.ForkLimiter;
import io.wsbridge.process.ProcessLauncher;
import io.wsbridge.roombus.RoomBus;
import io.wsbridge.rooms.ProcessPerRoom;
import io.wsbridge.session.ChildProgram;
import io.wsbridge.session.SessionStrategy;
import io.wsbridge.session.TargetResolver;

/**
 * Makes the --rooms strategy, with its metrics under --metrics. A class of its own, like {@link RoomBusHook}: the
 * verifier loads the rooms' listener type with the class that hands it the metrics, so that class must not be
 * {@link WsbridgeServer}, which every run loads.
 */
final class RoomsHook {
    private RoomsHook() {
    }

    /** @param bus --roombus, or null; @param metrics --metrics, or null */
    static SessionStrategy rooms(TargetResolver targets, ProcessLauncher launcher, CgiEnvironment env,
                                 ForkLimiter forks, ChildProgram.Settings program, Config.Rooms settings,
                                 ByteBufAllocator alloc, RoomBus bus, MetricsSetup metrics) {
        if (metrics == null) {
            return new ProcessPerRoom(targets, launcher, env, forks, program, settings, alloc, bus);
        }
        RoomMetrics meter = metrics.rooms(bus != null);
        ProcessPerRoom rooms = new ProcessPerRoom(targets, launcher, env, forks, program, settings, alloc, bus, meter);
        meter.countRooms(rooms::clientsPerRoom);
        return rooms;
    }
}
