package io.xaichat.worker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** The metrics and logging flags as the worker's command line parses them. */
class OperationsOptionsTest {

    @Command
    static final class Flags {
        @Mixin MetricsOptions metrics;
        @Mixin LoggingOptions logging;
    }

    private static Flags parse(String... args) {
        Flags flags = new Flags();
        new CommandLine(flags).parseArgs(args);
        return flags;
    }

    @Test
    void theEndpointListensOnAllInterfacesAtPort9400UnlessToldOtherwise() {
        Flags defaults = parse();
        // The surefire environment sets none of the XAICHAT_METRICS_* variables.
        assertThat(defaults.metrics.enabled()).isTrue();
        assertThat(defaults.metrics.address().getPort()).isEqualTo(MetricsOptions.DEFAULT_PORT);
        assertThat(defaults.metrics.address().getAddress().isAnyLocalAddress()).isTrue();

        Flags local = parse("--metrics-port=0", "--metrics-bind=127.0.0.1");
        assertThat(local.metrics.address().getPort()).isZero();
        assertThat(local.metrics.address().getAddress().isLoopbackAddress()).isTrue();
        assertThat(parse("--no-metrics").metrics.enabled()).isFalse();
    }

    @Test
    void badSettingsAreRefusedWithTheFlagAndVariableNamed() {
        assertThatThrownBy(() -> parse("--metrics-port=70000").metrics.address())
                .isInstanceOf(ConfigException.class).hasMessageContaining("XAICHAT_METRICS_PORT").hasMessageContaining("70000");
        assertThatThrownBy(() -> parse("--metrics-bind= ").metrics.address())
                .isInstanceOf(ConfigException.class).hasMessageContaining("--metrics-bind");
        assertThatThrownBy(() -> parse("--log-format=yaml").logging.apply())
                .isInstanceOf(ConfigException.class).hasMessageContaining("XAICHAT_LOG_FORMAT").hasMessageContaining("'yaml'");
    }
}
