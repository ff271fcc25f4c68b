package io.xaichat.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class StatsTest {

    @Test
    void percentilesAreMeasuredValuesByNearestRank() {
        Stats s = Stats.of(List.of(5, 1, 4, 2, 3));
        assertThat(s.median()).isEqualTo(3);
        assertThat(s.percentile(20)).isEqualTo(1);
        assertThat(s.percentile(21)).isEqualTo(2);
        assertThat(s.percentile(99)).isEqualTo(5);
        assertThat(s.min()).isEqualTo(1);
        assertThat(s.max()).isEqualTo(5);
    }

    @Test
    void p99OfAHundredSamplesIsTheSecondLargest() {
        double[] samples = new double[100];
        for (int i = 0; i < 100; i++) samples[i] = 100 - i; // 100 … 1, unsorted input
        Stats s = Stats.of(samples);
        assertThat(s.percentile(99)).isEqualTo(99);
        assertThat(s.median()).isEqualTo(50);
    }

    @Test
    void anEvenCountHasTheLowerMiddleAsMedian() {
        assertThat(Stats.of(1, 2, 3, 4).median()).isEqualTo(2);
    }

    @Test
    void sortingDoesNotTouchTheCallersArray() {
        double[] samples = {3, 1, 2};
        Stats.of(samples);
        assertThat(samples).containsExactly(3, 1, 2);
    }

    @Test
    void rangeNamesTheSampleCount() {
        assertThat(Stats.of(2.5, 1.25).range("%.2f")).isEqualTo("1.25–2.50 (n=2)");
    }

    @Test
    void refusesNoSamplesAndPercentilesOutOfRange() {
        assertThatThrownBy(() -> Stats.of(List.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no samples");
        assertThatThrownBy(() -> Stats.of(1).percentile(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("(0, 100]");
    }
}
