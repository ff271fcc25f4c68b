package io.xaichat.llama;

import com.sun.jna.Structure;

/** {@code struct llama_sampler_chain_params}. */
@Structure.FieldOrder({"no_perf"})
public class LlamaSamplerChainParams extends LlamaStruct {
    public byte no_perf;

    public static class ByValue extends LlamaSamplerChainParams implements Structure.ByValue {}
}
