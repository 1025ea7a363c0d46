package io.wsbridge.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DescriptorBudgetTest {
    /** limit, in use, --maxforks -> forks in force, connections allowed (reserve 24, 4 per session). */
    @ParameterizedTest
    @CsvSource({
        "64, 20, 1024, 5, 5",        // 20 spare: 5 sessions; 20 - 5*3 = 5 connections
        "64, 20, 2, 2, 14",          // --maxforks below what the limit allows stays
        "64, 60, 1024, 1, 1",        // nothing spare: still one of each (accept errors are then paused, not fatal)
        "1024, 30, 1024, 242, 244",  // the usual soft limit: --maxforks 1024 does not fit
        "1048576, 30, 1024, 1024, 1045450",
        "1048576, 30, 0, 262130, 262132", // unlimited --maxforks: what the limit allows
    })
    void budgets(long limit, int inUse, int maxForks, int forks, int connections) {
        DescriptorBudget b = DescriptorBudget.of(maxForks, limit, inUse);
        assertThat(b.maxForks()).isEqualTo(forks);
        assertThat(b.maxConnections()).isEqualTo(connections);
    }
}
