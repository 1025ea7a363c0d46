package io.wsbridge.production;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.wsbridge.testing.RawHttp;
import io.wsbridge.testing.RawWebSocket;
import io.wsbridge.testing.Scripts;
import io.wsbridge.testing.TestServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * --authurl against a small HTTP server playing the auth service (as oauth2-proxy or an auth_request endpoint
 * would): what it is asked, and every kind of answer, including none.
 */
@Timeout(120)
class ForwardAuthTest {
    @TempDir
    Path dir;
    HttpServer auth;
    final AtomicInteger asked = new AtomicInteger();
    final Map<String, String> lastQuestion = new ConcurrentHashMap<>();
    final CountDownLatch never = new CountDownLatch(1);
    volatile int answer = 200;
    volatile boolean silent;

    @BeforeEach
    void startAuthService() throws Exception {
        auth = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        auth.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        auth.createContext("/auth", exchange -> {
            asked.incrementAndGet();
            lastQuestion.clear();
            exchange.getRequestHeaders().forEach((k, v) -> lastQuestion.put(k.toLowerCase(), String.join(",", v)));
            lastQuestion.put(":uri", exchange.getRequestURI().toString());
            if (silent) {
                try {
                    never.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (answer == 200) {
                exchange.getResponseHeaders().set("X-Auth-User", "carol");
            }
            if (answer == 401) {
                exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"sso\"");
            }
            exchange.sendResponseHeaders(answer, -1);
            exchange.close();
        });
        auth.start();
    }

    @AfterEach
    void stopAuthService() {
        never.countDown();
        auth.stop(0);
    }

    private String url() {
        return "http://127.0.0.1:" + auth.getAddress().getPort() + "/auth?app=chat";
    }

    private TestServer serve(String... more) throws Exception {
        Path program = Scripts.sh(dir, "who.sh", "echo \"$AUTH_TYPE $REMOTE_USER\"");
        Path www = Files.createDirectories(dir.resolve("www"));
        Files.writeString(www.resolve("a.txt"), "a\n");
        String[] args = new String[more.length + 3];
        args[0] = "--authurl=" + url();
        args[1] = "--staticdir=" + www;
        System.arraycopy(more, 0, args, 2, more.length);
        args[args.length - 1] = program.toString();
        return TestServer.start(args);
    }

    @Test
    void twoHundredLetsInAsTheNamedUserAndTheServiceIsToldWhoAsksForWhat() throws Exception {
        try (TestServer s = serve(); RawWebSocket ws = RawWebSocket.connect(s.port(), "/room?x=1",
                Map.of("Cookie", "session=abc", "Authorization", "Bearer opaque"), 0)) {
            assertThat(ws.readMessage(java.time.Duration.ofSeconds(10)).text()).isEqualTo("Forward carol");
            assertThat(lastQuestion).containsEntry(":uri", "/auth?app=chat")
                    .containsEntry("cookie", "session=abc")
                    .containsEntry("authorization", "Bearer opaque")
                    .containsEntry("x-forwarded-for", "127.0.0.1")
                    .containsEntry("x-forwarded-proto", "http")
                    .containsEntry("x-forwarded-method", "GET")
                    .containsEntry("x-original-uri", "/room?x=1")
                    .containsEntry("x-forwarded-uri", "/room?x=1");
        }
    }

    @Test
    void fourOhOneAndFourOhThreeArePassedOnAndEverythingElseIs503() throws Exception {
        try (TestServer s = serve()) {
            answer = 401;
            RawWebSocket.HttpReply unauthorized = RawWebSocket.tryUpgrade(s.port(), "/", Map.of());
            assertThat(unauthorized.status()).isEqualTo(401);
            assertThat(unauthorized.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"sso\"");
            answer = 403;
            assertThat(RawHttp.get(s.port(), "/a.txt").status()).isEqualTo(403);
            answer = 500;
            assertThat(RawHttp.get(s.port(), "/a.txt").status()).isEqualTo(503);
            answer = 302;
            assertThat(RawHttp.get(s.port(), "/a.txt").status()).isEqualTo(503);
            answer = 204;
            assertThat(RawHttp.get(s.port(), "/a.txt").text()).isEqualTo("a\n");
            assertThat(s.liveChildren()).isZero();
        }
    }

    @Test
    void noAnswerInTimeOrNoServiceIs503() throws Exception {
        try (TestServer s = serve("--authtimeoutms=300")) {
            silent = true;
            long t0 = System.nanoTime();
            assertThat(RawHttp.get(s.port(), "/a.txt").status()).isEqualTo(503);
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertThat(ms).as("answered after the timeout, not the service's 30 s").isBetween(250L, 10_000L);
        }
        never.countDown();
        auth.stop(0);
        try (TestServer s = serve()) {
            assertThat(RawHttp.get(s.port(), "/a.txt").status()).as("nothing listens there any more").isEqualTo(503);
        }
    }

    @Test
    void answersAreCachedPerCredentialWhenAsked() throws Exception {
        try (TestServer s = serve("--authcachems=60000")) {
            assertThat(RawHttp.get(s.port(), "/a.txt", "Cookie: session=one").status()).isEqualTo(200);
            assertThat(RawHttp.get(s.port(), "/a.txt", "Cookie: session=one").status()).isEqualTo(200);
            assertThat(asked.get()).isEqualTo(1);
            answer = 403;
            assertThat(RawHttp.get(s.port(), "/a.txt", "Cookie: session=two").status()).isEqualTo(403);
            assertThat(RawHttp.get(s.port(), "/a.txt", "Cookie: session=one").status()).as("still cached")
                    .isEqualTo(200);
            assertThat(asked.get()).isEqualTo(2);
        }
        asked.set(0);
        try (TestServer s = serve()) {
            RawHttp.get(s.port(), "/a.txt", "Cookie: session=one");
            RawHttp.get(s.port(), "/a.txt", "Cookie: session=one");
            assertThat(asked.get()).as("no cache by default").isEqualTo(2);
        }
    }
}
