package io.xaichat.cli;

import io.xaichat.local.LocalServices;
import java.nio.file.Path;

/** A {@code xaichat local} subcommand that is handed the started services before it runs. */
public interface LocalServicesAware {

    /** @param kafkaConfig the worker's Kafka client properties file (null for none), for clients of the same broker */
    void useLocal(LocalServices services, Path kafkaConfig);
}
