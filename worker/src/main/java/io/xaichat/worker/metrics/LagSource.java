package io.xaichat.worker.metrics;

import java.util.List;

/** Where consumer lag comes from: read at every scrape, from the scrape thread. */
@FunctionalInterface
public interface LagSource {

    /** Records not yet fetched from one partition this worker is assigned. */
    record PartitionLag(String topic, int partition, double records) {}

    /** The current lag of each assigned partition; partitions whose lag is not known yet are left out. */
    List<PartitionLag> lags();
}
