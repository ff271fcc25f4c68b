package io.xaichat.worker.chat;

import de.kherud.llama.ModelParameters;
import io.xaichat.worker.cpu.CpuSet;

/**
 * Maps a {@link CpuSet} to llama.cpp's CPU placement flags for both the generation and the prompt (batch) thread
 * pools: {@code --cpu-range lo-hi} when the CPUs are contiguous, else {@code --cpu-mask 0x..}, always with
 * {@code --cpu-strict 1} so each thread is bound to one CPU of the set rather than floating over all of them.
 */
final class LlamaCpuPlacement {
    private LlamaCpuPlacement() {}

    static void apply(CpuSet cpus, ModelParameters params) {
        if (cpus.isEmpty()) return;
        if (cpus.contiguous()) {
            String range = cpus.first() + "-" + cpus.last();
            params.setCpuRange(range).setCpuRangeBatch(range);
        } else {
            params.setCpuMask(cpus.hexMask()).setCpuMaskBatch(cpus.hexMask());
        }
        params.setCpuStrict(1).setCpuStrictBatch(1);
    }
}
