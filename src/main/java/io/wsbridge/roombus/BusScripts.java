package io.wsbridge.roombus;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;

/**
 * The Lua scripts that change a room's state in Redis atomically (lease, fence, members, streams). Each is sent
 * whole with EVAL: Redis caches it by digest, and unlike EVALSHA nothing has to be reloaded after Redis restarts.
 */
final class BusScripts {
    enum Script { ACQUIRE, RENEW, PUBLISH, CONSUMED, RELEASE, ADMIT, LEAVE, RESYNC }

    private final Map<Script, String> texts = new EnumMap<>(Script.class);
    private final RedisAsyncCommands<byte[], byte[]> redis;
    private final byte[][] common;

    BusScripts(RedisAsyncCommands<byte[], byte[]> redis, String instanceId, String instancePrefix, BusSettings settings) {
        this.redis = redis;
        String prelude = resource("common");
        for (Script s : Script.values()) {
            texts.put(s, prelude + "\n" + resource(s.name().toLowerCase(java.util.Locale.ROOT)));
        }
        common = new byte[][] {bytes(instanceId), bytes(instancePrefix), bytes(Long.toString(settings.leaseMs())),
                bytes(Long.toString(settings.inCap()))};
    }

    /** Runs {@code script} on a room's keys with the common arguments followed by {@code args}. */
    <T> RedisFuture<T> run(Script script, RoomKeys keys, ScriptOutputType type, byte[]... args) {
        byte[][] all = new byte[common.length + args.length][];
        System.arraycopy(common, 0, all, 0, common.length);
        System.arraycopy(args, 0, all, common.length, args.length);
        return redis.eval(texts.get(script), type, keys.all(), all);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String resource(String name) {
        try (InputStream in = BusScripts.class.getResourceAsStream(name + ".lua")) {
            if (in == null) {
                throw new IllegalStateException("missing script " + name + ".lua");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
