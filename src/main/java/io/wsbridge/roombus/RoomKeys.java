package io.wsbridge.roombus;

/**
 * The Redis keys of one room, in the order the scripts expect them (see common.lua). They share a hash tag, the
 * room's path in braces, so that they would sit in one slot of a cluster.
 */
record RoomKeys(byte[][] all, byte[] in, byte[] out, String inName, String outName) {
    static RoomKeys of(String room) {
        String p = "wsbridge:room:{" + room + "}:";
        String[] names = {"lease", "epoch", "in", "out", "hist", "mi", "mj", "ml", "ic"};
        byte[][] all = new byte[names.length][];
        for (int i = 0; i < names.length; i++) {
            all[i] = BusScripts.bytes(p + names[i]);
        }
        return new RoomKeys(all, all[2], all[3], p + "in", p + "out");
    }
}
