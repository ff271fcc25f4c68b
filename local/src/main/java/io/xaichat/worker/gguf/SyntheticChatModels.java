package io.xaichat.worker.gguf;

import io.xaichat.worker.gguf.GgufWriter.TensorSource;
import io.xaichat.worker.gguf.GgufWriter.TensorType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Writes random-weight GGUF chat models that llama.cpp loads (tests, benchmarks, and {@code xaichat local
 * --synthetic} where no real weights can be downloaded): a byte-level BPE vocabulary with the ChatML special
 * tokens and chat template, {@code <|im_end|>} as end of generation. qwen3 models also get Qwen3's {@code <think>}
 * tokens and its chat template. Same spec → same bytes.
 *
 * <p>Weights are normal with the spec's standard deviation ({@link ModelSpec#REAL_WEIGHT_STD} 0.02 for full-size
 * models, as real ones), normalisation weights 1. Larger weights on a full-size model (an earlier version drew
 * uniform ±0.4) multiply the activations at every matrix, so they grow without bound through the layers.
 */
public final class SyntheticChatModels {
    public static final String CHATML_TEMPLATE = "{% for message in messages %}"
            + "{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}"
            + "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

    /**
     * Qwen3's chat template as published in its tokenizer_config.json (Qwen/Qwen3-1.7B), tool calls included:
     * earlier turns' reasoning is dropped, and {@code enable_thinking=false} appends an empty think block to the
     * generation prompt.
     */
    public static final String QWEN3_TEMPLATE = String.join("\n",
            "{%- if tools %}",
            "    {{- '<|im_start|>system\\n' }}",
            "    {%- if messages[0].role == 'system' %}",
            "        {{- messages[0].content + '\\n\\n' }}",
            "    {%- endif %}",
            "    {{- \"# Tools\\n\\nYou may call one or more functions to assist with the user query.\\n\\n"
                    + "You are provided with function signatures within <tools></tools> XML tags:\\n<tools>\" }}",
            "    {%- for tool in tools %}",
            "        {{- \"\\n\" }}",
            "        {{- tool | tojson }}",
            "    {%- endfor %}",
            "    {{- \"\\n</tools>\\n\\nFor each function call, return a json object with function name and "
                    + "arguments within <tool_call></tool_call> XML tags:\\n<tool_call>\\n{\\\"name\\\": "
                    + "<function-name>, \\\"arguments\\\": <args-json-object>}\\n</tool_call><|im_end|>\\n\" }}",
            "{%- else %}",
            "    {%- if messages[0].role == 'system' %}",
            "        {{- '<|im_start|>system\\n' + messages[0].content + '<|im_end|>\\n' }}",
            "    {%- endif %}",
            "{%- endif %}",
            "{%- set ns = namespace(multi_step_tool=true, last_query_index=messages|length - 1) %}",
            "{%- for message in messages[::-1] %}",
            "    {%- set index = (messages|length - 1) - loop.index0 %}",
            "    {%- if ns.multi_step_tool and message.role == \"user\" and message.content is string and "
                    + "not(message.content.startswith('<tool_response>') and "
                    + "message.content.endswith('</tool_response>')) %}",
            "        {%- set ns.multi_step_tool = false %}",
            "        {%- set ns.last_query_index = index %}",
            "    {%- endif %}",
            "{%- endfor %}",
            "{%- for message in messages %}",
            "    {%- if message.content is string %}",
            "        {%- set content = message.content %}",
            "    {%- else %}",
            "        {%- set content = '' %}",
            "    {%- endif %}",
            "    {%- if (message.role == \"user\") or (message.role == \"system\" and not loop.first) %}",
            "        {{- '<|im_start|>' + message.role + '\\n' + content + '<|im_end|>' + '\\n' }}",
            "    {%- elif message.role == \"assistant\" %}",
            "        {%- set reasoning_content = '' %}",
            "        {%- if message.reasoning_content is string %}",
            "            {%- set reasoning_content = message.reasoning_content %}",
            "        {%- else %}",
            "            {%- if '</think>' in content %}",
            "                {%- set reasoning_content = content.split('</think>')[0].rstrip('\\n')"
                    + ".split('<think>')[-1].lstrip('\\n') %}",
            "                {%- set content = content.split('</think>')[-1].lstrip('\\n') %}",
            "            {%- endif %}",
            "        {%- endif %}",
            "        {%- if loop.index0 > ns.last_query_index %}",
            "            {%- if loop.last or (not loop.last and reasoning_content) %}",
            "                {{- '<|im_start|>' + message.role + '\\n<think>\\n' + reasoning_content.strip('\\n')"
                    + " + '\\n</think>\\n\\n' + content.lstrip('\\n') }}",
            "            {%- else %}",
            "                {{- '<|im_start|>' + message.role + '\\n' + content }}",
            "            {%- endif %}",
            "        {%- else %}",
            "            {{- '<|im_start|>' + message.role + '\\n' + content }}",
            "        {%- endif %}",
            "        {%- if message.tool_calls %}",
            "            {%- for tool_call in message.tool_calls %}",
            "                {%- if (loop.first and content) or (not loop.first) %}",
            "                    {{- '\\n' }}",
            "                {%- endif %}",
            "                {%- if tool_call.function %}",
            "                    {%- set tool_call = tool_call.function %}",
            "                {%- endif %}",
            "                {{- '<tool_call>\\n{\"name\": \"' }}",
            "                {{- tool_call.name }}",
            "                {{- '\", \"arguments\": ' }}",
            "                {%- if tool_call.arguments is string %}",
            "                    {{- tool_call.arguments }}",
            "                {%- else %}",
            "                    {{- tool_call.arguments | tojson }}",
            "                {%- endif %}",
            "                {{- '}\\n</tool_call>' }}",
            "            {%- endfor %}",
            "        {%- endif %}",
            "        {{- '<|im_end|>\\n' }}",
            "    {%- elif message.role == \"tool\" %}",
            "        {%- if loop.first or (messages[loop.index0 - 1].role != \"tool\") %}",
            "            {{- '<|im_start|>user' }}",
            "        {%- endif %}",
            "        {{- '\\n<tool_response>\\n' }}",
            "        {{- content }}",
            "        {{- '\\n</tool_response>' }}",
            "        {%- if loop.last or (messages[loop.index0 + 1].role != \"tool\") %}",
            "            {{- '<|im_end|>\\n' }}",
            "        {%- endif %}",
            "    {%- endif %}",
            "{%- endfor %}",
            "{%- if add_generation_prompt %}",
            "    {{- '<|im_start|>assistant\\n' }}",
            "    {%- if enable_thinking is defined and enable_thinking is false %}",
            "        {{- '<think>\\n\\n</think>\\n\\n' }}",
            "    {%- endif %}",
            "{%- endif %}");

    /**
     * Changes whenever the same spec would write different bytes, so caches of generated files (the bench's) name
     * it and never reuse an older generator's output. 2: normal weights of the spec's std (1: uniform ±0.4).
     */
    public static final int GENERATOR_VERSION = 2;

    private SyntheticChatModels() {}

    public static Path write(ModelSpec spec, Path file) {
        try {
            writer(spec).write(file);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write model " + file, e);
        }
    }

    static GgufWriter writer(ModelSpec spec) {
        String arch = spec.architecture();
        boolean qwen3 = arch.equals("qwen3");
        ByteLevelVocab vocab = new ByteLevelVocab(spec.vocabSize(), qwen3);
        GgufWriter w = new GgufWriter()
                .string("general.architecture", arch)
                .string("general.name", "synthetic-" + arch)
                .uint32("general.alignment", GgufWriter.ALIGNMENT)
                .uint32("general.file_type", spec.matrixType().fileType())
                .uint32(arch + ".context_length", spec.contextLength())
                .uint32(arch + ".embedding_length", spec.embedding())
                .uint32(arch + ".block_count", spec.layers())
                .uint32(arch + ".feed_forward_length", spec.feedForward())
                .uint32(arch + ".attention.head_count", spec.heads())
                .uint32(arch + ".attention.head_count_kv", spec.kvHeads())
                .float32(arch + ".attention.layer_norm_rms_epsilon", 1e-6f)
                .float32(arch + ".rope.freq_base", 1_000_000f)
                .string("tokenizer.ggml.model", "gpt2")
                .string("tokenizer.ggml.pre", "qwen2")
                .strings("tokenizer.ggml.tokens", vocab.tokens)
                .int32s("tokenizer.ggml.token_type", vocab.typeArray())
                .strings("tokenizer.ggml.merges", vocab.merges)
                .uint32("tokenizer.ggml.bos_token_id", vocab.endOfText)
                .uint32("tokenizer.ggml.eos_token_id", vocab.imEnd)
                .uint32("tokenizer.ggml.padding_token_id", vocab.endOfText)
                .bool("tokenizer.ggml.add_bos_token", false)
                .string("tokenizer.chat_template", qwen3 ? QWEN3_TEMPLATE : CHATML_TEMPLATE);
        if (qwen3) {
            w.uint32(arch + ".attention.key_length", spec.headDim())
                    .uint32(arch + ".attention.value_length", spec.headDim());
        }

        Weights weights = new Weights(spec.seed(), spec.weightStd());
        TensorType m = spec.matrixType();
        int e = spec.embedding(), kv = spec.kvWidth(), ff = spec.feedForward(), v = vocab.size();
        // Zero rows for the special tokens give them a logit of 0, rarely among the top ones: random weights then
        // seldom end a generation on their own, so limits and stop strings get exercised. The same for the byte
        // tokens that are no text by themselves, so generated text is printable ASCII (a request can still force
        // them with logit_bias).
        Set<Integer> quiet = new HashSet<>(List.of(vocab.endOfText, vocab.imStart, vocab.imEnd));
        if (qwen3) quiet.addAll(List.of(vocab.think, vocab.endThink));
        quiet.addAll(vocab.nonTextBytes());
        w.tensor("token_embd.weight", m, weights.rows("token_embd.weight", e, quiet), e, v);
        for (int i = 0; i < spec.layers(); i++) {
            String b = "blk." + i + ".";
            w.tensor(b + "attn_norm.weight", TensorType.F32, Weights.ONES, e);
            w.tensor(b + "attn_q.weight", m, weights.random(b + "attn_q.weight"), e, e);
            w.tensor(b + "attn_k.weight", m, weights.random(b + "attn_k.weight"), e, kv);
            w.tensor(b + "attn_v.weight", m, weights.random(b + "attn_v.weight"), e, kv);
            if (arch.equals("qwen2")) {
                w.tensor(b + "attn_q.bias", TensorType.F32, weights.random(b + "attn_q.bias"), e);
                w.tensor(b + "attn_k.bias", TensorType.F32, weights.random(b + "attn_k.bias"), kv);
                w.tensor(b + "attn_v.bias", TensorType.F32, weights.random(b + "attn_v.bias"), kv);
            }
            if (qwen3) {
                w.tensor(b + "attn_q_norm.weight", TensorType.F32, Weights.ONES, spec.headDim());
                w.tensor(b + "attn_k_norm.weight", TensorType.F32, Weights.ONES, spec.headDim());
            }
            w.tensor(b + "attn_output.weight", m, weights.random(b + "attn_output.weight"), e, e);
            w.tensor(b + "ffn_norm.weight", TensorType.F32, Weights.ONES, e);
            w.tensor(b + "ffn_gate.weight", m, weights.random(b + "ffn_gate.weight"), e, ff);
            w.tensor(b + "ffn_up.weight", m, weights.random(b + "ffn_up.weight"), e, ff);
            w.tensor(b + "ffn_down.weight", m, weights.random(b + "ffn_down.weight"), ff, e);
        }
        w.tensor("output_norm.weight", TensorType.F32, Weights.ONES, e);
        // qwen2 and qwen3 tie the output projection to the embedding (no output.weight), as Qwen2.5-1.5B and
        // Qwen3-1.7B do.
        if (arch.equals("llama")) w.tensor("output.weight", m, weights.rows("output.weight", e, quiet), e, v);
        return w;
    }

    /** Normal random weights, one independent stream per tensor so adding a tensor never shifts the others. */
    private record Weights(long seed, float std) {
        static final TensorSource ONES = (chunk, n) -> java.util.Arrays.fill(chunk, 0, n, 1f);

        TensorSource random(String tensor) {
            return rows(tensor, 1, Set.of());
        }

        /** Random rows of {@code rowLength} values, except {@code zeroRows}, which are all zero. */
        TensorSource rows(String tensor, int rowLength, Set<Integer> zeroRows) {
            SplittableRandom random = new SplittableRandom(seed * 31 + tensor.hashCode());
            long[] position = {0};
            return (chunk, n) -> {
                for (int i = 0; i < n; i++, position[0]++) {
                    float value = (float) random.nextGaussian() * std;
                    chunk[i] = !zeroRows.isEmpty() && zeroRows.contains((int) (position[0] / rowLength)) ? 0 : value;
                }
            };
        }
    }
}
