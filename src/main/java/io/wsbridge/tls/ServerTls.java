package io.wsbridge.tls;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.wsbridge.cli.Config;
import io.wsbridge.logging.LogScope;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.function.Consumer;
import javax.net.ssl.SSLException;

/**
 * --ssl: the server's TLS context, built once at start-up from the PEM files, with the JDK's TLS engine
 * (no native library), TLS 1.2 or newer only, and with --sslca client certificates required and verified
 * against those CAs. Only this class touches Netty's TLS classes, so without --ssl none are loaded.
 */
public final class ServerTls {
    /** TLS 1.0 and 1.1 are deprecated (RFC 8996). */
    static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
    private static final LogScope LOG = LogScope.of("server");

    private final Config.Tls files;
    /** Replaced on SIGHUP ({@link #reload()}); each new connection takes the one in force. */
    private volatile SslContext context;

    private ServerTls(Config.Tls files, SslContext context) {
        this.files = files;
        this.context = context;
    }

    /**
     * Reads and checks the files and returns what puts TLS first on a new connection's pipeline.
     *
     * @throws TlsSetupException naming the file and the problem (unreadable, not PEM, no key, key and
     *                           certificate that do not belong together, ...)
     */
    public static Consumer<ChannelPipeline> pipelineHook(Config.Tls tls) throws TlsSetupException {
        return load(tls)::addTo;
    }

    /** Reads and checks the files (see {@link #pipelineHook}); the result can {@link #reload()} them. */
    public static ServerTls load(Config.Tls tls) throws TlsSetupException {
        ServerTls server = new ServerTls(tls, context(tls));
        if (tls.ca() != null) {
            LOG.info("Mutual TLS enabled (client certs verified against {})", tls.ca());
        }
        return server;
    }

    /**
     * SIGHUP: reads the certificate, key and CA files again (a renewed certificate without a restart). New
     * connections get the new context; connections in flight keep theirs. Files that do not work together are
     * logged and the previous context stays.
     */
    public void reload() {
        try {
            context = context(files);
            LOG.info("Re-read TLS certificate {} and key {} (SIGHUP)", files.cert(), files.key());
        } catch (TlsSetupException e) {
            LOG.error("Keeping the previous TLS certificate: {}", e.getMessage());
        }
    }

    static SslContext context(Config.Tls tls) throws TlsSetupException {
        List<X509Certificate> chain = Certificates.read(tls.cert(), "--sslcert");
        PrivateKey key = PrivateKeys.read(tls.key(), "--sslkey");
        if (!PrivateKeys.matches(key, chain.get(0).getPublicKey())) {
            throw new TlsSetupException("--sslkey " + tls.key() + " is not the private key of the certificate in "
                    + "--sslcert " + tls.cert() + " (" + chain.get(0).getSubjectX500Principal().getName() + ")");
        }
        SslContextBuilder builder = SslContextBuilder.forServer(new ServerKey(key, chain))
                .sslProvider(SslProvider.JDK)
                .protocols(PROTOCOLS);
        if (tls.ca() != null) {
            List<X509Certificate> cas = Certificates.read(tls.ca(), "--sslca");
            UnnamedCertificateProvider.install(); // the TLS engine's parse of client certificates
            try {
                builder.trustManager(new ClientCertificateTrust(cas)).clientAuth(ClientAuth.REQUIRE);
            } catch (GeneralSecurityException e) {
                throw new TlsSetupException("--sslca " + tls.ca() + ": " + e.getMessage(), e);
            }
        }
        try {
            return builder.build();
        } catch (SSLException | RuntimeException e) {
            throw new TlsSetupException("cannot set up TLS with --sslcert " + tls.cert() + " and --sslkey "
                    + tls.key() + ": " + e.getMessage(), e);
        }
    }

    /** Puts TLS first on a new connection's pipeline. */
    public void addTo(ChannelPipeline pipeline) {
        pipeline.addFirst("tls-log", new HandshakeFailureLog());
        pipeline.addFirst("tls", context.newHandler(pipeline.channel().alloc()));
    }
}
