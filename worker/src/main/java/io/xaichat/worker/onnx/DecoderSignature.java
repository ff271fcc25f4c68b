package io.xaichat.worker.onnx;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a {@code decoder_model_merged}-style graph takes and how the decoder feeds each input, decided once from the
 * declared inputs and outputs. Every input must be one the decoder knows how to fill — the ones the published
 * exports declare and transformers.js feeds ({@code decoder_forward} in its {@code modeling_utils.js}):
 * <ul>
 *   <li>{@code inputs_embeds} or {@code input_ids}; {@code attention_mask} (int64 or int32);</li>
 *   <li>{@code position_ids}: rank 3 ({@code [3, batch, seq]}, M-RoPE; the first dim may be symbolic) or rank 2;</li>
 *   <li>{@code past_key_values.{i}.key/value} with a matching {@code present.*} output;</li>
 *   <li>{@code use_cache_branch} (bool [1]: true once a cache exists), from optimum's merged decoders;</li>
 *   <li>{@code num_logits_to_keep} (int64 scalar): 1, since only the last position's logits pick a token.</li>
 * </ul>
 * Anything else fails at load with the list of unknown inputs, not at the first job.
 */
public final class DecoderSignature {
    public static final String INPUTS_EMBEDS = "inputs_embeds";
    public static final String INPUT_IDS = "input_ids";
    static final String ATTENTION_MASK = "attention_mask";
    static final String POSITION_IDS = "position_ids";
    static final String USE_CACHE_BRANCH = "use_cache_branch";
    static final String NUM_LOGITS_TO_KEEP = "num_logits_to_keep";
    static final String PAST_PREFIX = "past_key_values.";
    static final String PRESENT_PREFIX = "present.";
    static final String LOGITS = "logits";

    final TensorSpec main;
    final TensorSpec mask;
    final TensorSpec positions; // null when the graph takes none
    final int positionRows;
    final TensorSpec useCacheBranch; // null when absent
    final TensorSpec numLogitsToKeep; // null when absent
    final Map<String, String> pastToPresent = new LinkedHashMap<>();
    final Map<String, TensorSpec> past = new LinkedHashMap<>();

    private DecoderSignature(Map<String, TensorSpec> inputs, Set<String> outputs) {
        if (inputs.containsKey(INPUTS_EMBEDS)) main = inputs.get(INPUTS_EMBEDS);
        else if (inputs.containsKey(INPUT_IDS)) main = inputs.get(INPUT_IDS);
        else throw new IllegalArgumentException("decoder has neither " + INPUTS_EMBEDS + " nor " + INPUT_IDS
                + " among its inputs " + inputs.keySet());
        mask = inputs.get(ATTENTION_MASK);
        if (mask == null) {
            throw new IllegalArgumentException("decoder has no " + ATTENTION_MASK + " input; inputs are " + inputs.keySet());
        }
        requireType(mask, "INT64", "INT32");
        positions = inputs.get(POSITION_IDS);
        positionRows = positions == null ? 0 : positionRows(positions);
        useCacheBranch = inputs.get(USE_CACHE_BRANCH);
        if (useCacheBranch != null) requireType(useCacheBranch, "BOOL");
        numLogitsToKeep = inputs.get(NUM_LOGITS_TO_KEEP);
        if (numLogitsToKeep != null) requireType(numLogitsToKeep, "INT64", "INT32");
        List<String> unknown = new ArrayList<>();
        for (TensorSpec in : inputs.values()) {
            String name = in.name();
            if (name.startsWith(PAST_PREFIX)) {
                addPast(in, outputs);
            } else if (!Set.of(INPUTS_EMBEDS, INPUT_IDS, ATTENTION_MASK, POSITION_IDS, USE_CACHE_BRANCH,
                    NUM_LOGITS_TO_KEEP).contains(name)) {
                unknown.add(in.toString());
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("decoder declares inputs this worker does not know how to feed: "
                    + String.join("; ", unknown) + " (known: inputs_embeds or input_ids, attention_mask, position_ids, "
                    + "past_key_values.*, use_cache_branch, num_logits_to_keep)");
        }
        if (!outputs.contains(LOGITS)) throw new IllegalArgumentException("decoder has no " + LOGITS + " output");
    }

    /** Checks a decoder's declared inputs and outputs. */
    public static DecoderSignature of(Map<String, TensorSpec> inputs, Set<String> outputs) {
        return new DecoderSignature(inputs, outputs);
    }

    private static int positionRows(TensorSpec positions) {
        requireType(positions, "INT64", "INT32");
        if (positions.rank() == 2) return 1;
        if (positions.rank() != 3) {
            throw new IllegalArgumentException("decoder input " + positions + " has rank " + positions.rank()
                    + "; expected [batch, seq] or [rows, batch, seq]");
        }
        // The onnx-community export declares [3, batch, seq]; an export with a symbolic first dim takes M-RoPE's 3.
        long rows = positions.fixed(0);
        return rows > 0 ? (int) rows : 3;
    }

    private void addPast(TensorSpec in, Set<String> outputs) {
        String present = PRESENT_PREFIX + in.name().substring(PAST_PREFIX.length());
        if (!outputs.contains(present)) {
            throw new IllegalArgumentException("decoder input " + in.name() + " has no matching output " + present);
        }
        if (in.rank() != 4 || in.fixed(1) < 1 || in.fixed(3) < 1) {
            throw new IllegalArgumentException("decoder input " + in + " must be [batch, kv_heads, past, head_dim] "
                    + "with fixed kv_heads and head_dim");
        }
        requireType(in, "FLOAT", "FLOAT16");
        pastToPresent.put(in.name(), present);
        past.put(in.name(), in);
    }

    private static void requireType(TensorSpec spec, String... types) {
        if (!List.of(types).contains(spec.type())) {
            throw new IllegalArgumentException("decoder input " + spec + " has element type " + spec.type()
                    + "; expected " + String.join(" or ", types));
        }
    }

    public boolean takesEmbeddings() {
        return main.name().equals(INPUTS_EMBEDS);
    }

    public int positionRows() {
        return positionRows;
    }

    public int layers() {
        return pastToPresent.size() / 2;
    }

    /** Whether the graph takes num_logits_to_keep, so that prefill computes one row of logits instead of seq rows. */
    public boolean lastLogitsOnly() {
        return numLogitsToKeep != null;
    }

    /** KV-cache bytes per token: every past_key_values input's kv_heads × head_dim × element size. */
    public long cacheBytesPerToken() {
        long total = 0;
        for (TensorSpec p : past.values()) total += p.fixed(1) * p.fixed(3) * ("FLOAT16".equals(p.type()) ? 2 : 4);
        return total;
    }

    /** One line per input: what the decoder feeds it. */
    public List<String> feeds() {
        List<String> lines = new ArrayList<>();
        lines.add(main + ": " + (takesEmbeddings() ? "prompt embeddings (image features in place of <|image_pad|>), "
                + "then one token's embedding per step" : "prompt token ids, then one id per step"));
        lines.add(mask + ": all ones over past + new tokens");
        if (positions != null) {
            lines.add(positions + ": " + (positionRows == 3 ? "M-RoPE rows (temporal, height, width)" : "positions")
                    + " as [" + positionRows + ", 1, seq]" + (positionRows == 1 && positions.rank() == 2 ? " → [1, seq]" : ""));
        }
        if (useCacheBranch != null) lines.add(useCacheBranch + ": false for the prompt, true for each later step");
        if (numLogitsToKeep != null) lines.add(numLogitsToKeep + ": 1 (only the last position's logits are read)");
        if (!past.isEmpty()) {
            TensorSpec first = past.values().iterator().next();
            lines.add(past.size() + " past_key_values.* inputs like " + first
                    + ": empty [1, kv_heads, 0, head_dim] for the prompt, then the previous step's present.*");
        }
        return lines;
    }
}
