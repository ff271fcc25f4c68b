package io.xaichat.cli;

/** A subcommand that talks to Kafka through {@link ConnectionOptions}; local mode points it at its own broker. */
interface KafkaCommand {
    ConnectionOptions connection();
}
