package io.wsbridge;

import static org.assertj.core.api.Assertions.assertThatCode;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** StartupPreload names classes as strings (and ignores missing ones): a rename must not leave one behind. */
class StartupPreloadTest {
    static Stream<String> preloaded() {
        return Stream.of(StartupPreload.FIRST_CONNECTION_HTTP, StartupPreload.FIRST_CONNECTION_PROCESS,
                StartupPreload.FIRST_CONNECTION_EPOLL_PROCESS, StartupPreload.SERVER_START).flatMap(Stream::of);
    }

    @ParameterizedTest
    @MethodSource("preloaded")
    void everyPreloadedClassExists(String name) {
        assertThatCode(() -> Class.forName(name, false, StartupPreload.class.getClassLoader()))
                .doesNotThrowAnyException();
    }
}
