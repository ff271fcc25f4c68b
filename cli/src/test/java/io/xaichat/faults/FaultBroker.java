package io.xaichat.faults;

import io.xaichat.embedded.EmbeddedKafkaBroker;

/**
 * A broker of the fault test's own (it may be restarted) whose KIP-848 group coordinator notices a dead member
 * within seconds: with static membership a killed worker keeps its partitions until its session times out, which
 * is 45 s by default.
 */
final class FaultBroker {
    /** How long a killed worker keeps its partitions. */
    static final int SESSION_TIMEOUT_MS = 6_000;

    private FaultBroker() {}

    static EmbeddedKafkaBroker start() {
        return EmbeddedKafkaBroker.builder()
                .property("group.consumer.min.session.timeout.ms", "3000")
                .property("group.consumer.session.timeout.ms", Integer.toString(SESSION_TIMEOUT_MS))
                .property("group.consumer.min.heartbeat.interval.ms", "500")
                .property("group.consumer.heartbeat.interval.ms", "1000")
                .build().start();
    }
}
