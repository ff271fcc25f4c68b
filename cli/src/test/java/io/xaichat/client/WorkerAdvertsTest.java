package io.xaichat.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.xaichat.schema.JobKind;
import io.xaichat.testkit.KafkaExtension;
import io.xaichat.testkit.KafkaHandle;
import io.xaichat.testkit.Names;
import io.xaichat.testkit.TestWorkers;
import io.xaichat.testkit.gguf.TinyGgufModels;
import io.xaichat.worker.Worker;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Workers advertise their model and limits on {@code <prefix>.workers}; producers read them, or do without. */
@ExtendWith(KafkaExtension.class)
class WorkerAdvertsTest {
    @TempDir
    Path dir;

    @Test
    void aRunningWorkerIsAdvertisedAndAStoppedOneIsNot(KafkaHandle kafka) {
        String prefix = Names.unique("adverts");
        ClientConfig config = ClientConfig.of(kafka.bootstrapServers()).withTopicPrefix(prefix);
        try (Worker worker = TestWorkers.start(TestWorkers.config(kafka.bootstrapServers(), null, prefix, "adv-1",
                JobKind.CHAT), TestWorkers.tinyChat(TinyGgufModels.qwen2(dir)))) {
            WorkerAdverts adverts = WorkerAdverts.read(config, Duration.ofSeconds(10));
            assertThat(adverts.models(JobKind.CHAT)).containsExactly(worker.engine(JobKind.CHAT).modelId());
            assertThat(adverts.maxTokensLimit(JobKind.CHAT)).hasValue(TestWorkers.MAX_TOKENS);
            assertThat(adverts.models(JobKind.IMAGE)).isEmpty();
            assertThat(adverts.maxTokensLimit(JobKind.IMAGE)).isEmpty();
        }
        assertThat(WorkerAdverts.read(config, Duration.ofSeconds(10)).isEmpty()).as("tombstoned on close").isTrue();
    }

    @Test
    void withoutAdvertsTheReaderGivesUpQuicklyWithNone(KafkaHandle kafka) {
        ClientConfig config = ClientConfig.of(kafka.bootstrapServers()).withTopicPrefix(Names.unique("silent"));
        long start = System.nanoTime();
        assertThat(WorkerAdverts.read(config, Duration.ofSeconds(2)).isEmpty()).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }
}
