package io.wsbridge.logging;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.CoreConstants;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * SLF4J's binding for the wsbridge command (Main names it in {@code slf4j.provider}): a logback context set up
 * directly by {@link LogSetup}. Logback's own provider would first run its auto-configuration (configurator
 * discovery, then a status report of how long that took), which costs a fresh JVM tens of milliseconds on the
 * way to the listening socket. Code that runs without Main (tests, embedding) gets logback's provider, which
 * finds the same LogSetup through ServiceLoader.
 */
public final class WsbridgeLogProvider implements SLF4JServiceProvider {
    private LoggerContext context;
    private IMarkerFactory markers;
    private MDCAdapter mdc;

    @Override
    public void initialize() {
        LoggerContext ctx = new LoggerContext();
        ctx.setName(CoreConstants.DEFAULT_CONTEXT_NAME);
        LogSetup setup = new LogSetup();
        setup.setContext(ctx);
        setup.configure(ctx);
        ctx.start();
        LogbackMDCAdapter mdcAdapter = new LogbackMDCAdapter();
        ctx.setMDCAdapter(mdcAdapter);
        markers = new BasicMarkerFactory();
        mdc = mdcAdapter;
        context = ctx;
    }

    @Override
    public ILoggerFactory getLoggerFactory() {
        return context;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }
}
