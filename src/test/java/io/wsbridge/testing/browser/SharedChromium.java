package io.wsbridge.testing.browser;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The browser tests' one fixture: a headless Chromium launched once for the whole run (a launch takes a second
 * or two), handed to any test method or {@code @BeforeAll} that takes a {@link Chromium} parameter, and closed
 * when the run ends. Each test opens pages of its own, so tests do not see each other's pages.
 */
public final class SharedChromium implements ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SharedChromium.class);

    private record Launched(Chromium browser) implements ExtensionContext.Store.CloseableResource {
        @Override
        public void close() {
            browser.close();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == Chromium.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(Launched.class, k -> {
            try {
                return new Launched(Chromium.launch());
            } catch (Exception e) {
                throw new ParameterResolutionException("cannot launch Chromium: " + e.getMessage(), e);
            }
        }, Launched.class).browser();
    }
}
