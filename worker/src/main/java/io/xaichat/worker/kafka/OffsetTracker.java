package io.xaichat.worker.kafka;

import java.util.Collection;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Which offsets of each assigned partition are taken and not yet answered, and so how far each partition may be
 * committed: up to the first unanswered record (the contiguous prefix). Jobs may finish in any order; a crash then
 * redoes at most the records that were unanswered or answered above that point, never skips one. Offsets are not
 * dense (transaction markers, compaction), so the prefix ends at the lowest pending offset, or one past the highest
 * offset seen when nothing is pending. Used from the poll thread only.
 *
 * <p>Like parallel-consumer, each commit also carries, in its metadata, which records above the prefix are already
 * answered (a bitmap from the committed offset). The next owner of the partition — after a revoke, a shutdown or
 * a crash — reads it and skips them, so a move redoes only what was really unanswered at the last commit.
 */
final class OffsetTracker {
    /** Metadata prefix of the answered-above-the-prefix bitmap (version 1). */
    static final String METADATA_PREFIX = "xaichat-answered-v1:";
    /** Bitmap bytes at most: base64 of it stays well under the broker's offset.metadata.max.bytes (4096). */
    static final int MAX_BITMAP_BYTES = 2048;

    /** One partition's state. */
    private static final class Partition {
        final TreeSet<Long> pending = new TreeSet<>();
        final TreeSet<Long> answeredAbove = new TreeSet<>(); // answered, at or above the last committable offset
        TreeSet<Long> answeredBefore = new TreeSet<>(); // by an earlier owner, read from the committed metadata
        boolean dirty;
        long highestSeen = -1;
        long highestDone = -1;
        final long start; // where consumption started (the committed offset, or the reset position)
        long committed; // offset last handed to a commit; at first the start

        Partition(long start) {
            this.start = start;
            committed = start;
        }

        long committable() {
            return pending.isEmpty() ? highestSeen + 1 : pending.first();
        }
    }

    /** The gap between the committed offset and the highest answered one. */
    record CommitLag(TopicPartition partition, long records) {}

    private final Map<TopicPartition, Partition> partitions = new HashMap<>();
    private final Map<TopicPartition, TreeSet<Long>> answeredElsewhere = new HashMap<>();
    private int pending;

    /**
     * What the partition's committed metadata says was answered above {@code committedOffset}; records taken at those
     * offsets are then answered already.
     */
    void answeredBefore(TopicPartition tp, long committedOffset, String metadata) {
        TreeSet<Long> answered = new TreeSet<>(decode(committedOffset, metadata));
        if (answered.isEmpty()) return;
        Partition p = partitions.get(tp);
        if (p != null) p.answeredBefore = answered;
        else answeredElsewhere.put(tp, answered);
    }

    /**
     * A record taken off the topic.
     *
     * @return false when an earlier owner already answered it: it counts as answered and must not run again
     */
    boolean taken(TopicPartition tp, long offset) {
        Partition p = partitions.computeIfAbsent(tp, k -> {
            Partition fresh = new Partition(offset);
            TreeSet<Long> before = answeredElsewhere.remove(tp);
            if (before != null) fresh.answeredBefore = before;
            return fresh;
        });
        p.highestSeen = Math.max(p.highestSeen, offset);
        if (p.answeredBefore.contains(offset)) {
            if (!p.pending.contains(offset)) {
                p.answeredAbove.add(offset);
                p.highestDone = Math.max(p.highestDone, offset);
                p.dirty = true;
            }
            return false;
        }
        if (p.pending.add(offset)) pending++;
        return true;
    }

    /** A record answered (its result acknowledged); unknown partitions and offsets are ignored. */
    void answered(TopicPartition tp, long offset) {
        Partition p = partitions.get(tp);
        if (p == null || !p.pending.remove(offset)) return;
        pending--;
        p.highestDone = Math.max(p.highestDone, offset);
        p.answeredAbove.add(offset);
        p.dirty = true;
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
     * Offsets to commit for {@code among} (all tracked partitions when null): those whose prefix or answered set
     * changed since the last call, or with {@code all} every one that has something to say (a final synchronous
     * commit). They count as committed from here on.
     *
     * <p>A prefix that has not moved is still committed when records above it are answered: the metadata is then
     * the only record of them (a partition whose first record, offset 0, is still running, is the common case).
     * Offsets an earlier owner answered and this one has not read yet stay in the metadata, so a second move
     * does not forget them.
     */
    Map<TopicPartition, OffsetAndMetadata> toCommit(Collection<TopicPartition> among, boolean all) {
        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        partitions.forEach((tp, p) -> {
            if (among != null && !among.contains(tp)) return;
            long next = p.committable();
            p.answeredAbove.headSet(next).clear();
            p.answeredBefore.headSet(next).clear();
            SortedSet<Long> answered = p.answeredBefore.isEmpty() ? p.answeredAbove : union(p.answeredAbove,
                    p.answeredBefore);
            boolean worthSaying = next > p.start || !answered.isEmpty();
            if (worthSaying && (next > p.committed || p.dirty || all)) {
                out.put(tp, new OffsetAndMetadata(next, encode(next, answered)));
                p.committed = next;
                p.dirty = false;
            }
        });
        return out;
    }

    private static SortedSet<Long> union(SortedSet<Long> a, SortedSet<Long> b) {
        TreeSet<Long> both = new TreeSet<>(a);
        both.addAll(b);
        return both;
    }

    /** Forgets partitions this worker no longer owns. */
    void remove(Collection<TopicPartition> gone) {
        for (TopicPartition tp : gone) {
            Partition p = partitions.remove(tp);
            if (p != null) pending -= p.pending.size();
            answeredElsewhere.remove(tp);
        }
    }

    /** The answered offsets above {@code base} as a bitmap from it (bit i: offset base + i); "" when none. */
    static String encode(long base, SortedSet<Long> answered) {
        if (answered.isEmpty()) return "";
        long span = Math.min(answered.last() - base + 1, MAX_BITMAP_BYTES * 8L);
        byte[] bits = new byte[(int) ((span + 7) / 8)];
        for (long o : answered) {
            long i = o - base;
            if (i < 0) continue;
            if (i >= span) break; // beyond the bitmap: redone after a move, at-least-once still holds
            bits[(int) (i >>> 3)] |= (byte) (1 << (i & 7));
        }
        return METADATA_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bits);
    }

    /** The offsets a bitmap written by {@link #encode} names; empty for other or missing metadata. */
    static Set<Long> decode(long base, String metadata) {
        if (metadata == null || !metadata.startsWith(METADATA_PREFIX)) return Set.of();
        byte[] bits;
        try {
            bits = Base64.getUrlDecoder().decode(metadata.substring(METADATA_PREFIX.length()));
        } catch (IllegalArgumentException e) {
            return Set.of();
        }
        Set<Long> out = new HashSet<>();
        for (int i = 0; i < bits.length * 8; i++) {
            if ((bits[i >>> 3] & (1 << (i & 7))) != 0) out.add(base + i);
        }
        return out;
    }

    /** Per partition: answered records above the committed offset (0 when everything answered is committed). */
    List<CommitLag> commitLag() {
        return partitions.entrySet().stream()
                .map(e -> new CommitLag(e.getKey(), Math.max(0, e.getValue().highestDone + 1 - e.getValue().committed)))
                .toList();
    }
}
