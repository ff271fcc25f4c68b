package io.xaichat.worker.vision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class MRopeTest {
    private static final long PAD = 99;

    /** 3 text tokens, a 1×4×4-patch image (2×2 merged → 4 pad tokens), 2 text tokens. */
    @Test
    void imageTokensGetGridCoordinatesAndTextContinuesAfterTheLargest() {
        long[] tokens = {1, 2, 3, PAD, PAD, PAD, PAD, 4, 5};
        MRope.Positions p = MRope.forPrompt(tokens, PAD, List.of(new MRope.Grid(1, 2, 2)));
        assertThat(p.ids()[0]).containsExactly(0, 1, 2, 3, 3, 3, 3, 5, 6);
        assertThat(p.ids()[1]).containsExactly(0, 1, 2, 3, 3, 4, 4, 5, 6);
        assertThat(p.ids()[2]).containsExactly(0, 1, 2, 3, 4, 3, 4, 5, 6);
        assertThat(p.next()).isEqualTo(7);
    }

    @Test
    void aWideGridAdvancesByItsLongestSide() {
        long[] tokens = {7, PAD, PAD, PAD, 8};
        MRope.Positions p = MRope.forPrompt(tokens, PAD, List.of(new MRope.Grid(1, 1, 3)));
        assertThat(p.ids()[0]).containsExactly(0, 1, 1, 1, 4);
        assertThat(p.ids()[1]).containsExactly(0, 1, 1, 1, 4);
        assertThat(p.ids()[2]).containsExactly(0, 1, 2, 3, 4);
        assertThat(p.next()).isEqualTo(5);
    }

    @Test
    void textOnlyPromptsCountUpInAllRows() {
        MRope.Positions p = MRope.forPrompt(new long[] {5, 6, 7}, PAD, List.of());
        for (long[] row : p.ids()) assertThat(row).containsExactly(0, 1, 2);
        assertThat(p.next()).isEqualTo(3);
    }

    @Test
    void padRunsMustMatchTheGrids() {
        assertThatThrownBy(() -> MRope.forPrompt(new long[] {1, PAD, PAD, 2}, PAD, List.of(new MRope.Grid(1, 2, 2))))
                .hasMessageContaining("shorter than its grid");
        assertThatThrownBy(() -> MRope.forPrompt(new long[] {1, 2}, PAD, List.of(new MRope.Grid(1, 1, 1))))
                .hasMessageContaining("0 image blocks for 1 images");
    }
}
