package io.xaichat.worker.vision;

import com.fasterxml.jackson.databind.JsonNode;
import io.xaichat.schema.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The dimensions of the model that decide how much memory a job needs and how long a prompt may be, from its
 * {@code config.json}; absent values fall back to Qwen/Qwen2-VL-2B-Instruct's published config.json.
 *
 * @param visionHeads vision_config.num_heads (16): the encoder's attention holds heads × patches² scores
 * @param visionWidth vision_config.embed_dim (1280)
 * @param visionMlpRatio vision_config.mlp_ratio (4)
 * @param textHidden hidden_size (1536)
 * @param textHeads num_attention_heads (12)
 * @param textIntermediate intermediate_size (8960)
 * @param vocab vocab_size (151936)
 * @param contextLength max_position_embeddings (32768): prompt plus output must fit
 */
public record QwenVlModelConfig(int visionHeads, int visionWidth, double visionMlpRatio, int textHidden,
                                int textHeads, int textIntermediate, int vocab, int contextLength) {

    public static QwenVlModelConfig qwen2Vl2b() {
        return new QwenVlModelConfig(16, 1280, 4, 1536, 12, 8960, 151936, 32768);
    }

    static QwenVlModelConfig read(Path modelDir) throws IOException {
        QwenVlModelConfig d = qwen2Vl2b();
        Path file = modelDir.resolve("config.json");
        if (!Files.isRegularFile(file)) return d;
        JsonNode c = Json.tree(Files.readAllBytes(file));
        // Newer transformers nest the language model's values under text_config.
        JsonNode text = c.has("text_config") ? c.path("text_config") : c;
        JsonNode vision = c.path("vision_config");
        return new QwenVlModelConfig(
                vision.path("num_heads").asInt(d.visionHeads()),
                vision.path("embed_dim").asInt(d.visionWidth()),
                vision.path("mlp_ratio").asDouble(d.visionMlpRatio()),
                text.path("hidden_size").asInt(c.path("hidden_size").asInt(d.textHidden())),
                text.path("num_attention_heads").asInt(c.path("num_attention_heads").asInt(d.textHeads())),
                text.path("intermediate_size").asInt(c.path("intermediate_size").asInt(d.textIntermediate())),
                text.path("vocab_size").asInt(c.path("vocab_size").asInt(d.vocab())),
                text.path("max_position_embeddings").asInt(c.path("max_position_embeddings").asInt(d.contextLength())));
    }
}
