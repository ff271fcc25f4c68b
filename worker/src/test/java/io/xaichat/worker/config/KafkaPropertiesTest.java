package io.xaichat.worker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaPropertiesTest {
    @TempDir
    Path dir;

    @Test
    void environmentVariablesOverrideTheFileAndNameProperties() throws Exception {
        Path file = Files.writeString(dir.resolve("kafka.properties"),
                "security.protocol=SASL_SSL\nsasl.mechanism=PLAIN\n");
        Map<String, String> props = KafkaProperties.load(file, Map.of(
                "XAICHAT_KAFKA_SASL_MECHANISM", "SCRAM-SHA-512",
                "XAICHAT_KAFKA_SSL_TRUSTSTORE_LOCATION", "/etc/ts.p12",
                "XAICHAT_KAFKA_CONFIG", file.toString(),
                "KAFKA_BOOTSTRAP_SERVERS", "b:9092",
                "HOME", "/root"));
        assertThat(props).containsExactlyInAnyOrderEntriesOf(Map.of(
                "security.protocol", "SASL_SSL",
                "sasl.mechanism", "SCRAM-SHA-512",
                "ssl.truststore.location", "/etc/ts.p12"));
    }

    @Test
    void noFileAndNoVariablesIsEmptyAndAMissingFileIsNamed() {
        assertThat(KafkaProperties.load(null, Map.of())).isEmpty();
        assertThatThrownBy(() -> KafkaProperties.load(dir.resolve("nope.properties"), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("nope.properties");
    }
}
