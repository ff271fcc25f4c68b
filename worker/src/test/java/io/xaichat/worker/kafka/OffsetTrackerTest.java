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
        assertThat(tracker.toCommit(null, false)).isEmpty(); // 10 is still running: nothing moves
        assertThat(lag(p0)).isEqualTo(4); // 11 and 13 answered above the start at 10

        tracker.answered(p0, 10);
        assertThat(tracker.toCommit(null, false)).isEqualTo(Map.of(p0, new OffsetAndMetadata(12)));
        assertThat(lag(p0)).isEqualTo(2); // 12 pending, 13 answered above the committed 12

        tracker.answered(p0, 12);
        tracker.answered(p0, 14);
        assertThat(tracker.toCommit(null, false)).isEqualTo(Map.of(p0, new OffsetAndMetadata(15)));
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
        assertThat(tracker.toCommit(null, false)).isEmpty();
        tracker.answered(p0, 3);
        assertThat(tracker.toCommit(null, false)).isEqualTo(Map.of(p0, new OffsetAndMetadata(8)));
    }

    @Test
    void partitionsAreIndependentAndCanBeForgotten() {
        tracker.taken(p0, 0);
        tracker.taken(p1, 0);
        tracker.taken(p1, 1);
        tracker.answered(p1, 0);
        assertThat(tracker.pending()).isEqualTo(2);
        assertThat(tracker.toCommit(List.of(p0), true)).isEmpty();
        assertThat(tracker.toCommit(null, false)).isEqualTo(Map.of(p1, new OffsetAndMetadata(1)));
        assertThat(tracker.toCommit(List.of(p1), true)).as("a final commit repeats the prefix")
                .isEqualTo(Map.of(p1, new OffsetAndMetadata(1)));

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

    private long lag(TopicPartition tp) {
        return tracker.commitLag().stream().filter(l -> l.partition().equals(tp)).findFirst().orElseThrow().records();
    }
}
