package io.wsbridge.staticfiles;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.wsbridge.http.HttpExchangeGuard;
import io.wsbridge.http.HttpRequestRouter;
import io.wsbridge.http.RequestIds;
import io.wsbridge.http.RequestInfo;
import io.wsbridge.http.ResponseHeaders;
import io.wsbridge.paths.ContentRoot;
import java.io.FileInputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest.Builder;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Under TLS a FileRegion cannot be used (the bytes must be encrypted), so files go out in chunks through a
 * ChunkedWriteHandler added next to the codec. A real TLS connection, a real 8 MiB file, byte for byte.
 */
@Timeout(60)
class StaticFilesTlsTest {
    private static final char[] PASSWORD = "changeit".toCharArray();

    @TempDir
    Path tmp;

    @Test
    void filesStreamThroughTlsInChunks() throws Exception {
        Path keystore = tmp.resolve("ks.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-keyalg", "EC", "-groupname", "secp256r1", "-alias", "test", "-dname", "CN=localhost",
                "-ext", "SAN=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore", keystore.toString(),
                "-storepass", "changeit", "-keypass", "changeit").redirectErrorStream(true).start();
        assertThat(keytool.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(keytool.exitValue()).as(new String(keytool.getInputStream().readAllBytes())).isZero();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = new FileInputStream(keystore.toFile())) {
            ks.load(in, PASSWORD);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, PASSWORD);
        SslContext serverTls = SslContextBuilder.forServer(kmf).build();

        Path www = Files.createDirectories(tmp.resolve("www"));
        byte[] data = new byte[8 << 20];
        new Random(3).nextBytes(data);
        Files.write(www.resolve("data.bin"), data);
        StaticFiles files = new StaticFiles(new ContentRoot(www), null, ResponseHeaders.NONE);
        HttpRequestRouter.UpgradeHandler noUpgrades = new HttpRequestRouter.UpgradeHandler() {
            @Override
            public boolean enabled() {
                return false;
            }

            @Override
            public void upgrade(ChannelHandlerContext ctx, HttpRequest request, RequestInfo info) {
                throw new AssertionError("no upgrades here");
            }
        };
        List<Channel> accepted = new CopyOnWriteArrayList<>();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            RequestIds ids = new RequestIds();
            Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            accepted.add(ch);
                            ch.pipeline().addLast("tls", serverTls.newHandler(ch.alloc()))
                                    .addLast("http-codec", new HttpServerCodec())
                                    .addLast("http-exchange", new HttpExchangeGuard())
                                    .addLast("router", new HttpRequestRouter(noUpgrades, List.of(files), ids, true));
                        }
                    }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            int port = ((InetSocketAddress) server.localAddress()).getPort();

            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext clientTls = SSLContext.getInstance("TLS");
            clientTls.init(null, tmf.getTrustManagers(), null);
            HttpClient client = HttpClient.newBuilder().sslContext(clientTls).version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).build();
            Builder get = java.net.http.HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/data.bin"))
                    .timeout(Duration.ofSeconds(30));
            HttpResponse<byte[]> whole = client.send(get.build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(whole.statusCode()).isEqualTo(200);
            assertThat(MessageDigest.getInstance("SHA-256").digest(whole.body()))
                    .isEqualTo(MessageDigest.getInstance("SHA-256").digest(data));
            HttpResponse<byte[]> part = client.send(get.header("Range", "bytes=100-199").build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(part.statusCode()).isEqualTo(206);
            assertThat(part.body()).isEqualTo(java.util.Arrays.copyOfRange(data, 100, 200));
            assertThat(accepted).anyMatch(ch -> ch.pipeline().get(ChunkedWriteHandler.class) != null);
            server.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }
}
