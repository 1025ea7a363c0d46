package io.wsbridge.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.wsbridge.process.epoll.PosixStarter;
import io.wsbridge.process.threads.JavaProcessStarter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Both launchers start a child in the directory asked for (CGI scripts run in their own directory). */
@Timeout(30)
class WorkingDirectoryTest {
    @TempDir
    Path dir;

    private String runPwd(ProcessLauncher launcher, EventLoop loop, Path cwd) throws Exception {
        CompletableFuture<String> result = new CompletableFuture<>();
        StringBuilder out = new StringBuilder();
        ChildListener listener = new ChildListener() {
            @Override
            public void stdout(ByteBuf chunk) {
                out.append(chunk.toString(StandardCharsets.UTF_8));
                chunk.release();
            }

            @Override
            public void stdoutReadComplete() {
            }

            @Override
            public void stdoutClosed() {
                result.complete(out.toString().trim());
            }

            @Override
            public void stderr(ByteBuf chunk) {
                chunk.release();
            }

            @Override
            public void stderrClosed() {
            }

            @Override
            public void stdinDrained() {
            }

            @Override
            public void exited(ExitStatus status) {
            }

            @Override
            public void startFailed(LaunchException e) {
                result.completeExceptionally(e);
            }
        };
        LaunchSpec spec = new LaunchSpec(Path.of("/bin/sh"), List.of("sh", "-c", "pwd"), List.of("PATH=/usr/bin:/bin"),
                cwd);
        CompletableFuture<ChildProcess> child = new CompletableFuture<>();
        loop.execute(() -> child.complete(launcher.launch(spec, loop, listener)));
        String pwd = result.get(10, TimeUnit.SECONDS);
        ChildProcess c = child.get(10, TimeUnit.SECONDS);
        loop.submit(c::release).get(10, TimeUnit.SECONDS);
        return pwd;
    }

    private static java.util.concurrent.ExecutorService spawner() {
        return java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "test-spawner");
            t.setDaemon(true);
            return t;
        });
    }

    private static ProcessLauncher threads() {
        return new OffLoopLauncher(JavaProcessStarter::new, spawner());
    }

    @Test
    void bothLaunchersHonourTheWorkingDirectory() throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        try {
            EventLoop loop = group.next();
            String expected = dir.toRealPath().toString();
            assertThat(runPwd(threads(), loop, dir)).isEqualTo(expected);
            PosixStarter posix = PosixStarter.forLoops(group, PooledByteBufAllocator.DEFAULT);
            if (posix != null && PosixStarter.canChangeDirectory() && Epoll.isAvailable()) {
                assertThat(runPwd(new OffLoopLauncher(() -> posix, spawner()), loop, dir)).isEqualTo(expected);
            }
            assertThat(runPwd(threads(), loop, null)).isEqualTo(Path.of("").toAbsolutePath().toString());
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }
}
