package io.xaichat.testkit;

import io.xaichat.embedded.EmbeddedKafkaBroker;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * Injects a {@link KafkaHandle} for the one Kafka broker all tests in this JVM share: an {@code apache/kafka}
 * container when Docker is available, otherwise an {@link EmbeddedKafkaBroker}. The broker starts on first use
 * and stops when the test run ends. Tests share it, so they use {@link Names#unique} topics and groups and never
 * stop it; fault tests create their own {@link EmbeddedKafkaBroker}.
 *
 * <pre>{@code
 * @ExtendWith(KafkaExtension.class)
 * class MyTest {
 *     @Test void works(KafkaHandle kafka) { ... kafka.bootstrapServers() ... }
 * }
 * }</pre>
 */
public final class KafkaExtension extends SharedServerExtension<KafkaHandle> {

    /** Same version as the clients and the embedded broker. */
    static final DockerImageName IMAGE = DockerImageName.parse("apache/kafka:4.1.1");

    public KafkaExtension() {
        super(KafkaHandle.class);
    }

    /** The shared broker, for extensions and lifecycle methods that cannot take parameters. */
    public static KafkaHandle shared(ExtensionContext context) {
        return new KafkaExtension().handle(context);
    }

    @Override
    KafkaHandle startServer() {
        if (Docker.available()) {
            KafkaContainer container = new KafkaContainer(IMAGE)
                    .withEnv("KAFKA_MESSAGE_MAX_BYTES", Integer.toString(EmbeddedKafkaBroker.DEFAULT_MAX_MESSAGE_BYTES))
                    .withEnv("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0");
            container.start();
            return KafkaHandle.owning(container.getBootstrapServers(), container);
        }
        return KafkaHandle.owning(EmbeddedKafkaBroker.startDefault());
    }
}
