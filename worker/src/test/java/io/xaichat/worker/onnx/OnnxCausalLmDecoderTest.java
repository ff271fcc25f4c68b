package io.xaichat.worker.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.xaichat.testkit.onnx.TinyQwenVlModels;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxCausalLmDecoderTest {
    @TempDir
    Path dir;

    /**
     * The decoder learns its interface from the session, not from constants. As for the KV cache: the decoder
     * has no code path that reads a past/present tensor into Java — {@code step} passes the previous
     * {@code OrtSession.Result}'s {@code present.*} OnnxValues straight into the next feed map, and the only
     * tensor read back ({@code lastLogits}) is {@code logits}. Keeping the cache native is thus a property of the
     * code's structure; the end-to-end tests in {@code QwenVlEngineTest} show that decoding over that cache works.
     */
    @Test
    void readsInputKindPositionRowsAndLayersFromTheSession() throws Exception {
        Path file = TinyQwenVlModels.decoder(new Random(1)).write(dir.resolve("decoder_model_merged.onnx"));
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(file.toString())) {
            OnnxCausalLmDecoder decoder = new OnnxCausalLmDecoder(env, session);
            assertThat(decoder.takesEmbeddings()).isTrue();
            assertThat(decoder.inputType()).isEqualTo(OnnxJavaType.FLOAT);
            assertThat(decoder.positionRows()).isEqualTo(3);
            assertThat(decoder.layers()).isEqualTo(TinyQwenVlModels.LAYERS);
        }
    }
}
