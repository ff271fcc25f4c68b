package io.xaichat.worker.kafka;

import java.util.List;

/**
 * A consumer loop's records in flight, as last published by its poll thread (for metrics).
 *
 * @param inFlight jobs being processed now (on job threads or the cache-hit path)
 * @param buffered records taken off the topic and not yet answered (in flight included)
 * @param commitLag per partition, answered records above the committed offset
 */
public record FlowState(int inFlight, int buffered, List<PartitionCommitLag> commitLag) {
    public static final FlowState EMPTY = new FlowState(0, 0, List.of());

    public record PartitionCommitLag(String topic, int partition, long records) {}
}
