package io.xaichat.worker.kafka;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Which offsets of each assigned partition are taken and not yet answered, and so how far each partition may be
 * committed: up to the first unanswered record (the contiguous prefix). Jobs may finish in any order; a crash then
 * redoes at most the records that were unanswered or answered above that point, never skips one. Offsets are not
 * dense (transaction markers, compaction), so the prefix ends at the lowest pending offset, or one past the highest
 * offset seen when nothing is pending. Used from the poll thread only.
 */
final class OffsetTracker {
    /** One partition's state. */
    private static final class Partition {
        final TreeSet<Long> pending = new TreeSet<>();
        long highestSeen = -1;
        long highestDone = -1;
        long committed; // offset last handed to a commit; at first where consumption started (committed or reset)

        Partition(long start) {
            committed = start;
        }

        long committable() {
            return pending.isEmpty() ? highestSeen + 1 : pending.first();
        }
    }

    /** The gap between the committed offset and the highest answered one. */
    record CommitLag(TopicPartition partition, long records) {}

    private final Map<TopicPartition, Partition> partitions = new HashMap<>();
    private int pending;

    /** A record taken off the topic. */
    void taken(TopicPartition tp, long offset) {
        Partition p = partitions.computeIfAbsent(tp, k -> new Partition(offset));
        if (p.pending.add(offset)) pending++;
        p.highestSeen = Math.max(p.highestSeen, offset);
    }

    /** A record answered (its result acknowledged); unknown partitions and offsets are ignored. */
    void answered(TopicPartition tp, long offset) {
        Partition p = partitions.get(tp);
        if (p == null || !p.pending.remove(offset)) return;
        pending--;
        p.highestDone = Math.max(p.highestDone, offset);
    }

    /** Records taken and not yet answered, over all partitions: what the buffer bound counts. */
    int pending() {
        return pending;
    }

    boolean pending(TopicPartition tp, long offset) {
        Partition p = partitions.get(tp);
        return p != null && p.pending.contains(offset);
    }

    /**
     * Offsets to commit for {@code among} (all tracked partitions when null): those whose prefix moved since the last
     * call, or with {@code all} every one that has a prefix (a final synchronous commit). They count as committed
     * from here on.
     */
    Map<TopicPartition, OffsetAndMetadata> toCommit(Collection<TopicPartition> among, boolean all) {
        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        partitions.forEach((tp, p) -> {
            if (among != null && !among.contains(tp)) return;
            long next = p.committable();
            if (next > 0 && (next > p.committed || all)) {
                out.put(tp, new OffsetAndMetadata(next));
                p.committed = next;
            }
        });
        return out;
    }

    /** Forgets partitions this worker no longer owns. */
    void remove(Collection<TopicPartition> gone) {
        for (TopicPartition tp : gone) {
            Partition p = partitions.remove(tp);
            if (p != null) pending -= p.pending.size();
        }
    }

    /** Per partition: answered records above the committed offset (0 when everything answered is committed). */
    List<CommitLag> commitLag() {
        return partitions.entrySet().stream()
                .map(e -> new CommitLag(e.getKey(), Math.max(0, e.getValue().highestDone + 1 - e.getValue().committed)))
                .toList();
    }
}
