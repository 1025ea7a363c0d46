package io.wsbridge.process.threads;

import io.netty.channel.EventLoop;
import io.wsbridge.process.ChildListener;
import io.wsbridge.process.ChildProcess;
import io.wsbridge.process.LaunchException;
import io.wsbridge.process.LaunchSpec;
import io.wsbridge.process.ProcessStarter;
import java.io.IOException;
import java.util.ArrayList;

/** The portable fallback: java.lang.Process, served by blocking pipe threads (see ThreadedChildProcess). */
public final class JavaProcessStarter implements ProcessStarter {
    @Override
    public Spawned spawn(LaunchSpec spec) throws LaunchException {
        ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(spec.argv())); // argv is immutable; [0] is replaced
        pb.command().set(0, spec.executable().toString());
        if (spec.workingDirectory() != null) {
            pb.directory(spec.workingDirectory().toFile());
        }
        pb.environment().clear();
        for (String kv : spec.environment()) {
            int eq = kv.indexOf('=');
            pb.environment().put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            String msg = e.getMessage();
            int colon = msg == null ? -1 : msg.lastIndexOf(", error=");
            throw new LaunchException(colon >= 0 ? msg.substring(colon + 2) : String.valueOf(msg), e);
        }
        return new Spawned() {
            @Override
            public ChildProcess attach(EventLoop loop, ChildListener listener) {
                return ThreadedChildProcess.attach(process, loop, listener);
            }

            @Override
            public void abandon() {
                process.destroyForcibly();
            }
        };
    }

    @Override
    public String name() {
        return "threads";
    }
}
