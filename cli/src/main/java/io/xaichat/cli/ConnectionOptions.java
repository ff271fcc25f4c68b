package io.xaichat.cli;

import io.xaichat.client.ClientConfig;
import io.xaichat.schema.JobKind;
import io.xaichat.worker.config.ConfigException;
import io.xaichat.worker.config.KafkaProperties;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/** How the commands that talk to Kafka connect: a picocli mixin. */
public final class ConnectionOptions {

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]",
            defaultValue = "${env:KAFKA_BOOTSTRAP_SERVERS:-localhost:9092}",
            description = "Kafka bootstrap servers (env KAFKA_BOOTSTRAP_SERVERS; default: ${DEFAULT-VALUE}).")
    String bootstrapServers;

    @Option(names = "--kafka-config", paramLabel = "FILE", defaultValue = "${env:XAICHAT_KAFKA_CONFIG}",
            description = "Kafka client properties file (security.protocol, sasl.*, ssl.* ...), passed through to "
                    + "the producer, consumer and admin clients (env XAICHAT_KAFKA_CONFIG; single properties also "
                    + "as XAICHAT_KAFKA_<NAME>, e.g. XAICHAT_KAFKA_SASL_MECHANISM).")
    Path kafkaConfig;

    @Option(names = "--topic-prefix", paramLabel = "PREFIX", defaultValue = "${env:XAICHAT_TOPIC_PREFIX:-xaichat}",
            description = "Prefix of all topic names (env XAICHAT_TOPIC_PREFIX; default: ${DEFAULT-VALUE}).")
    String topicPrefix;

    @Option(names = "--client-id", paramLabel = "ID",
            description = "Names this client's reply topic <prefix>.replies.<ID> (default: random).")
    String clientId;

    @Option(names = "--shared-replies",
            description = "Receive answers on the shared topic <prefix>.results, filtered by correlation id, instead "
                    + "of a reply topic of this client's own (for clusters where clients may not create topics).")
    boolean sharedReplies;

    /** Points the command at local mode's broker, with the same topic prefix and client properties as its worker. */
    void useLocal(String bootstrap, String prefix, Path clientProperties) {
        this.bootstrapServers = bootstrap;
        this.topicPrefix = prefix;
        this.kafkaConfig = clientProperties;
    }

    /** @param timeout overrides the default timeout of every kind; null keeps the defaults */
    public ClientConfig clientConfig(java.time.Duration timeout) throws IOException {
        ClientConfig config = ClientConfig.of(bootstrapServers)
                .withKafkaProperties(kafkaProperties())
                .withTopicPrefix(topicPrefix)
                .withReplyMode(sharedReplies ? ClientConfig.ReplyMode.SHARED : ClientConfig.ReplyMode.PER_CLIENT);
        if (clientId != null) config = config.withClientId(clientId);
        if (timeout != null) {
            for (JobKind k : JobKind.values()) config = config.withTimeout(k, timeout);
        }
        return config;
    }

    private Map<String, String> kafkaProperties() throws IOException {
        try {
            return KafkaProperties.load(kafkaConfig, System.getenv());
        } catch (ConfigException e) {
            throw new IOException(e.getMessage(), e);
        }
    }
}
