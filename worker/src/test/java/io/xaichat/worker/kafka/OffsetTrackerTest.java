package io.xaichat.worker.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class OffsetTrackerTest {
    private final TopicPartition p0 = new TopicPartition("jobs", 0);
    private final TopicPartition p1 = new TopicPartition("jobs", 1);
    private final OffsetTracker tracker = new OffsetTracker();

    @Test
    void commitsOnlyUpToTheFirstUnansweredRecord() {
        for (long o = 10; o < 15; o++) tracker.taken(p0, o);
        tracker.answered(p0, 11);
        tracker.answered(p0, 13);
        // 10 is still running: the offset stays, the metadata says 11 and 13 are answered
        OffsetAndMetadata held = tracker.toCommit(null, false).get(p0);
        assertThat(held.offset()).isEqualTo(10);
        assertThat(OffsetTracker.decode(10, held.metadata())).containsExactlyInAnyOrder(11L, 13L);
        assertThat(lag(p0)).isEqualTo(4); // 11 and 13 answered above the start at 10

        tracker.answered(p0, 10);
        assertThat(tracker.toCommit(null, false).get(p0).offset()).isEqualTo(12);
        assertThat(lag(p0)).isEqualTo(2); // 12 pending, 13 answered above the committed 12

        tracker.answered(p0, 12);
        tracker.answered(p0, 14);
        assertThat(tracker.toCommit(null, false)).isEqualTo(Map.of(p0, new OffsetAndMetadata(15, "")));
        assertThat(tracker.toCommit(null, false)).as("nothing new").isEmpty();
        assertThat(tracker.pending()).isZero();
        assertThat(lag(p0)).isZero();
    }

    @Test
    void gapsInOffsetsDoNotHoldTheCommitBack() {
        // Transaction markers and compaction leave offsets no record has.
        tracker.taken(p0, 3);
        tracker.taken(p0, 7);
        tracker.answered(p0, 7);
        assertThat(tracker.toCommit(null, false).get(p0).offset()).isEqualTo(3);
        tracker.answered(p0, 3);
        assertThat(tracker.toCommit(null, false)).isEqualTo(Map.of(p0, new OffsetAndMetadata(8, "")));
    }

    @Test
    void partitionsAreIndependentAndCanBeForgotten() {
        tracker.taken(p0, 0);
        tracker.taken(p1, 0);
        tracker.taken(p1, 1);
        tracker.answered(p1, 0);
        assertThat(tracker.pending()).isEqualTo(2);
        assertThat(tracker.toCommit(List.of(p0), true)).isEmpty();
        assertThat(tracker.toCommit(null, false)).isEqualTo(Map.of(p1, new OffsetAndMetadata(1, "")));
        assertThat(tracker.toCommit(List.of(p1), true)).as("a final commit repeats the prefix")
                .isEqualTo(Map.of(p1, new OffsetAndMetadata(1, "")));

        tracker.remove(List.of(p1));
        assertThat(tracker.pending()).isEqualTo(1);
        tracker.answered(p1, 1); // a late answer for a partition that moved away
        assertThat(tracker.pending(p1, 1)).isFalse();
        assertThat(tracker.toCommit(null, false)).isEmpty();
    }

    @Test
    void aRecordSeenTwiceCountsOnce() {
        tracker.taken(p0, 5);
        tracker.taken(p0, 5);
        assertThat(tracker.pending()).isEqualTo(1);
        tracker.answered(p0, 5);
        tracker.answered(p0, 5);
        assertThat(tracker.pending()).isZero();
    }

    @Test
    void commitsSayWhichRecordsAboveThePrefixAreAnsweredAndTheNextOwnerSkipsThem() {
        for (long o = 20; o < 30; o++) tracker.taken(p0, o);
        for (long o : new long[] {20, 21, 23, 24, 29}) tracker.answered(p0, o);
        OffsetAndMetadata commit = tracker.toCommit(null, false).get(p0);
        assertThat(commit.offset()).isEqualTo(22);
        assertThat(OffsetTracker.decode(commit.offset(), commit.metadata())).containsExactlyInAnyOrder(23L, 24L, 29L);
        tracker.answered(p0, 25);
        assertThat(tracker.toCommit(null, false)).as("the prefix stands, the answered set grew: commit again")
                .containsKey(p0);

        // The next owner reads the commit and is handed the partition from offset 22.
        OffsetTracker next = new OffsetTracker();
        OffsetAndMetadata last = tracker.toCommit(null, true).get(p0);
        next.answeredBefore(p0, last.offset(), last.metadata());
        List<Long> toRun = new java.util.ArrayList<>();
        for (long o = 22; o < 30; o++) if (next.taken(p0, o)) toRun.add(o);
        assertThat(toRun).containsExactly(22L, 26L, 27L, 28L);
        assertThat(next.pending()).isEqualTo(4);
        for (long o : toRun) next.answered(p0, o);
        assertThat(next.toCommit(null, false).get(p0).offset()).isEqualTo(30);
    }

    @Test
    void foreignOrBrokenMetadataSkipsNothing() {
        assertThat(OffsetTracker.decode(5, null)).isEmpty();
        assertThat(OffsetTracker.decode(5, "")).isEmpty();
        assertThat(OffsetTracker.decode(5, "written by another tool")).isEmpty();
        assertThat(OffsetTracker.decode(5, OffsetTracker.METADATA_PREFIX + "!!not base64")).isEmpty();
        assertThat(OffsetTracker.encode(5, new java.util.TreeSet<>())).isEmpty();
        // A huge gap is cut to the bitmap's size: what lies beyond is redone, never skipped wrongly.
        String far = OffsetTracker.encode(0, new java.util.TreeSet<>(List.of(3L, 1_000_000L)));
        assertThat(far.length()).isLessThan(4096);
        assertThat(OffsetTracker.decode(0, far)).containsExactly(3L);
    }

    @Test
    void recordsAnsweredAboveAStillRunningOffsetZeroAreCommittedInTheMetadata() {
        // A fresh topic: offset 0 still runs at shutdown while the cache-hit path answered 1 and 3.
        for (long o = 0; o < 4; o++) tracker.taken(p0, o);
        tracker.answered(p0, 1);
        tracker.answered(p0, 3);
        OffsetAndMetadata last = tracker.toCommit(null, true).get(p0);
        assertThat(last).as("the final commit of a partition whose prefix is still 0").isNotNull();
        assertThat(last.offset()).isZero();
        assertThat(OffsetTracker.decode(0, last.metadata())).containsExactlyInAnyOrder(1L, 3L);

        OffsetTracker next = new OffsetTracker();
        next.answeredBefore(p0, last.offset(), last.metadata());
        List<Long> toRun = new java.util.ArrayList<>();
        for (long o = 0; o < 4; o++) if (next.taken(p0, o)) toRun.add(o);
        assertThat(toRun).as("only what was unanswered is redone").containsExactly(0L, 2L);
    }

    @Test
    void offsetsAnEarlierOwnerAnsweredStayInTheMetadataUntilThisOwnerReadsThem() {
        OffsetTracker first = new OffsetTracker();
        for (long o = 0; o < 10; o++) first.taken(p0, o);
        for (long o : new long[] {0, 1, 8, 9}) first.answered(p0, o);
        OffsetAndMetadata handed = first.toCommit(null, true).get(p0);
        assertThat(handed.offset()).isEqualTo(2);

        // The second owner reads only 2..4 before it, too, hands the partition on.
        OffsetTracker second = new OffsetTracker();
        second.answeredBefore(p0, handed.offset(), handed.metadata());
        for (long o = 2; o < 5; o++) assertThat(second.taken(p0, o)).isTrue();
        second.answered(p0, 2);
        OffsetAndMetadata again = second.toCommit(null, true).get(p0);
        assertThat(again.offset()).isEqualTo(3);
        assertThat(OffsetTracker.decode(3, again.metadata())).as("8 and 9 were answered by the first owner")
                .containsExactlyInAnyOrder(8L, 9L);
    }

    private long lag(TopicPartition tp) {
        return tracker.commitLag().stream().filter(l -> l.partition().equals(tp)).findFirst().orElseThrow().records();
    }
}
