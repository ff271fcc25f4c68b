package io.xaichat.worker.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DecoderSignatureTest {

    private static Map<String, TensorSpec> inputs(TensorSpec... extra) {
        Map<String, TensorSpec> in = new LinkedHashMap<>();
        for (TensorSpec s : List.of(
                new TensorSpec("inputs_embeds", "FLOAT", List.of("batch", "seq", 16L)),
                new TensorSpec("attention_mask", "INT64", List.of("batch", "total")),
                new TensorSpec("past_key_values.0.key", "FLOAT", List.of("batch", 2L, "past", 8L)),
                new TensorSpec("past_key_values.0.value", "FLOAT", List.of("batch", 2L, "past", 8L)))) {
            in.put(s.name(), s);
        }
        for (TensorSpec s : extra) in.put(s.name(), s);
        return in;
    }

    private static final Set<String> OUTPUTS = Set.of("logits", "present.0.key", "present.0.value");

    @Test
    void aSymbolicFirstPositionDimMeansThreeMropeRows() {
        DecoderSignature s = DecoderSignature.of(inputs(
                new TensorSpec("position_ids", "INT64", List.of("rows", "batch", "seq"))), OUTPUTS);
        assertThat(s.positionRows()).isEqualTo(3);
        assertThat(DecoderSignature.of(inputs(new TensorSpec("position_ids", "INT64", List.of("batch", "seq"))), OUTPUTS)
                .positionRows()).isEqualTo(1);
    }

    @Test
    void optionalInputsAreKnownAndAnyOtherFailsAtLoadWithTheList() {
        DecoderSignature s = DecoderSignature.of(inputs(new TensorSpec("use_cache_branch", "BOOL", List.of(1L)),
                new TensorSpec("num_logits_to_keep", "INT64", List.of())), OUTPUTS);
        assertThat(s.lastLogitsOnly()).isTrue();
        assertThat(s.feeds()).anyMatch(l -> l.startsWith("use_cache_branch BOOL [1]: false for the prompt"));
        assertThat(s.cacheBytesPerToken()).isEqualTo(2 * 2 * 8 * 4);
        assertThatThrownBy(() -> DecoderSignature.of(inputs(new TensorSpec("cache_position", "INT64", List.of("seq")),
                new TensorSpec("token_type_ids", "INT64", List.of("batch", "seq"))), OUTPUTS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cache_position INT64 [seq]; token_type_ids INT64 [batch, seq]");
        assertThatThrownBy(() -> DecoderSignature.of(inputs(new TensorSpec("use_cache_branch", "INT64", List.of(1L))), OUTPUTS))
                .hasMessageContaining("expected BOOL");
    }

    @Test
    void repetitionPenaltyDividesPositiveAndMultipliesNegativeLogitsOfSeenTokensOnce() {
        float[] logits = {2f, -2f, 3f, 1f};
        Sampler.penalize(logits, new long[] {0, 1, 0, 9}, 4, 2.0);
        assertThat(logits).containsExactly(1f, -4f, 3f, 1f);
        float[] unchanged = {2f, -2f};
        Sampler.penalize(unchanged, new long[] {0, 1}, 2, 1.0);
        assertThat(unchanged).containsExactly(2f, -2f);
    }
}
