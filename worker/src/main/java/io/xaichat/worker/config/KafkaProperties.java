package io.xaichat.worker.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Kafka client properties passed through to every client (security: SASL_SSL, SCRAM, mTLS): first a properties
 * file, then environment variables {@code XAICHAT_KAFKA_<NAME>}, where {@code NAME} is the property in upper case
 * with dots as underscores ({@code XAICHAT_KAFKA_SASL_JAAS_CONFIG} → {@code sasl.jaas.config}), so secrets can come
 * from a secret store's environment instead of a file. {@code XAICHAT_KAFKA_CONFIG} names the file itself.
 */
public final class KafkaProperties {
    public static final String ENV_PREFIX = "XAICHAT_KAFKA_";
    public static final String FILE_VARIABLE = "XAICHAT_KAFKA_CONFIG";

    private KafkaProperties() {}

    /** @param file a properties file, or null */
    public static Map<String, String> load(Path file, Map<String, String> env) {
        Map<String, String> props = new TreeMap<>();
        if (file != null) {
            Properties loaded = new Properties();
            try (Reader r = Files.newBufferedReader(file)) {
                loaded.load(r);
            } catch (IOException e) {
                throw new ConfigException("cannot read Kafka client properties " + file + ": " + e.getMessage());
            }
            loaded.stringPropertyNames().forEach(n -> props.put(n, loaded.getProperty(n)));
        }
        env.forEach((name, value) -> {
            if (name.startsWith(ENV_PREFIX) && !name.equals(FILE_VARIABLE) && name.length() > ENV_PREFIX.length()) {
                props.put(name.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.'), value);
            }
        });
        return props;
    }
}
