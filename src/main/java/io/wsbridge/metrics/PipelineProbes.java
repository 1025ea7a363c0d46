package io.wsbridge.metrics;

import io.netty.channel.ChannelHandler;

/**
 * The stages --metrics adds to a connection's pipeline to watch it: one on the HTTP side (upgrades: how long
 * until the 101, or the refusal's status) and one on the WebSocket side (messages and bytes both ways,
 * backpressure, how the connection ended). Only exists with --metrics.
 */
public interface PipelineProbes {
    /** Right after the HTTP codec; removed with the HTTP stages at the upgrade. */
    ChannelHandler newHttpProbe();

    /** Right after the frame decoder, for the WebSocket's life. */
    ChannelHandler newWebSocketProbe();
}
