package io.xaichat.worker.chat;

import static org.assertj.core.api.Assertions.assertThat;

import de.kherud.llama.ModelParameters;
import io.xaichat.worker.cpu.CpuSet;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class LlamaCpuPlacementTest {

    private static List<String> arguments(String cpus) {
        ModelParameters params = new ModelParameters();
        LlamaCpuPlacement.apply(CpuSet.parse(cpus), params);
        return Arrays.asList(params.toArray());
    }

    @Test
    void contiguousCpusBecomeAStrictRangeForBothThreadPools() {
        assertThat(String.join(" ", arguments("2-3")))
                .contains("--cpu-range 2-3").contains("--cpu-range-batch 2-3")
                .contains("--cpu-strict 1").contains("--cpu-strict-batch 1")
                .doesNotContain("--cpu-mask");
    }

    @Test
    void cpusWithHolesBecomeAStrictMask() {
        assertThat(String.join(" ", arguments("0,2,5")))
                .contains("--cpu-mask 0x25").contains("--cpu-mask-batch 0x25")
                .contains("--cpu-strict 1").contains("--cpu-strict-batch 1")
                .doesNotContain("--cpu-range");
    }

    @Test
    void noCpusMeansNoPlacement() {
        assertThat(arguments("")).noneMatch(a -> a.startsWith("--cpu"));
    }
}
