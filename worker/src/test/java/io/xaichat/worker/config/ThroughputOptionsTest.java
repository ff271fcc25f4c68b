package io.xaichat.worker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.xaichat.schema.JobKind;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** The jobs-in-flight settings as the worker's command line parses them. */
class ThroughputOptionsTest {

    @Command
    static final class Flags {
        @Mixin WorkerOptions worker;
    }

    private static ThroughputConfig parse(String... args) {
        Flags flags = new Flags();
        new CommandLine(flags).parseArgs(args);
        return flags.worker.toConfig().throughput();
    }

    @Test
    void chatFollowsTheEngineSlotsVisionAndImageRunOneAtATimeByDefault() {
        ThroughputConfig defaults = parse();
        assertThat(defaults.concurrency(JobKind.CHAT, 1)).isEqualTo(1);
        assertThat(defaults.concurrency(JobKind.CHAT, 4)).isEqualTo(4);
        assertThat(defaults.concurrency(JobKind.VISION, 4)).isEqualTo(1);
        assertThat(defaults.concurrency(JobKind.IMAGE, 4)).isEqualTo(1);
        assertThat(defaults.maxBufferedRecords()).isEqualTo(1000);
        assertThat(defaults.commitInterval()).isEqualTo(Duration.ofMillis(100));

        ThroughputConfig set = parse("--chat-concurrency=3", "--vision-concurrency=2", "--max-buffered-records=50",
                "--commit-interval=1s");
        assertThat(set.concurrency(JobKind.CHAT, 8)).as("set explicitly, above or below the slots").isEqualTo(3);
        assertThat(set.concurrency(JobKind.VISION, 1)).isEqualTo(2);
        assertThat(set.maxBufferedRecords()).isEqualTo(50);
        assertThat(set.commitInterval()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void badSettingsAreRefusedWithTheFlagAndVariableNamed() {
        assertThatThrownBy(() -> parse("--image-concurrency=-1")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("--image-concurrency").hasMessageContaining("XAICHAT_IMAGE_CONCURRENCY");
        assertThatThrownBy(() -> parse("--max-buffered-records=0")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("XAICHAT_MAX_BUFFERED_RECORDS");
        assertThatThrownBy(() -> parse("--commit-interval=soon")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("--commit-interval");
        assertThatThrownBy(() -> parse("--commit-interval=0ms")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("XAICHAT_COMMIT_INTERVAL");
    }
}
