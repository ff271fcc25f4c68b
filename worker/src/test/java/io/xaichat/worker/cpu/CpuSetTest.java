package io.xaichat.worker.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CpuSetTest {

    @Test
    void parsesRangesAndLists() {
        CpuSet set = CpuSet.parse("0-3, 6,8-9");
        assertThat(set.ids()).containsExactly(0, 1, 2, 3, 6, 8, 9);
        assertThat(set.size()).isEqualTo(7);
        assertThat(set.contiguous()).isFalse();
        assertThat(set.toString()).isEqualTo("0-3,6,8-9");
    }

    @Test
    void hexMaskPutsCpuZeroInTheLowestBit() {
        assertThat(CpuSet.parse("0").hexMask()).isEqualTo("0x1");
        assertThat(CpuSet.parse("0-3").hexMask()).isEqualTo("0xf");
        assertThat(CpuSet.parse("1,4").hexMask()).isEqualTo("0x12");
        assertThat(CpuSet.parse("8").hexMask()).isEqualTo("0x100");
    }

    @Test
    void emptyMeansNotPinned() {
        assertThat(CpuSet.parse("").isEmpty()).isTrue();
        assertThat(CpuSet.parse(null).isEmpty()).isTrue();
        assertThat(CpuSet.parse("2-3").contiguous()).isTrue();
    }

    @Test
    void badSpecsNameTheBadPart() {
        assertThatThrownBy(() -> CpuSet.parse("0-2,x")).hasMessageContaining("'x'");
        assertThatThrownBy(() -> CpuSet.parse("3-1")).hasMessageContaining("'3-1'");
        assertThatThrownBy(() -> CpuSet.parse("-1")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void masksRoundTrip() {
        CpuSet set = CpuSet.parse("0,3,9-10");
        byte[] mask = set.toMask(16);
        assertThat(mask[0]).isEqualTo((byte) 0b1001);
        assertThat(mask[1]).isEqualTo((byte) 0b110);
        assertThat(CpuSet.fromMask(mask)).isEqualTo(set);
    }

    @Test
    void reportsCpusTheMachineLacks() {
        assertThat(CpuSet.parse("0-1,4,7").missingFrom(CpuSet.parse("0-3"))).containsExactly(4, 7);
        assertThat(CpuSet.parse("1").missingFrom(CpuSet.parse("1"))).as("taskset -c 1: CPU 1 exists").isEmpty();
        assertThat(CpuSet.parse("0-1").missingFrom(CpuSet.parse("1-3"))).containsExactly(0);
    }
}
