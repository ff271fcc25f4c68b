package io.xaichat.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.xaichat.schema.JobKind;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelManifestTest {

    @Test
    void thePackagedManifestParsesAndEveryFileIsSafeToFetch() {
        ModelManifest manifest = ModelManifest.load(null);

        assertThat(manifest.models()).isNotEmpty();
        for (ModelSpec model : manifest.models()) {
            assertThat(model.kind()).as(model.displayName()).isNotNull();
            for (ModelFile file : model.files()) {
                assertThat(file.url().getScheme()).as(file.path()).isEqualTo("https");
                assertThat(file.path()).doesNotStartWith("/").doesNotContain("..").doesNotContain("\\");
                assertThat(file.path()).startsWith(model.kind().wireName() + "/");
                assertThat(file.description()).as(file.path()).isNotBlank();
            }
        }
    }

    @Test
    void thePackagedManifestIsTheRepositoryFile() throws IOException {
        // The build copies ../models/manifest.yaml onto the classpath; a stale copy would hide edits.
        Path repositoryFile = Path.of("..", "models", "manifest.yaml");
        try (var packaged = ModelManifest.class.getResourceAsStream(ModelManifest.CLASSPATH_RESOURCE)) {
            assertThat(packaged).isNotNull();
            assertThat(new String(packaged.readAllBytes(), StandardCharsets.UTF_8))
                    .isEqualTo(Files.readString(repositoryFile));
        }
    }

    @Test
    void theDefaultsAreTheModelsTheEnginesExpect() {
        ModelManifest manifest = ModelManifest.load(null);

        ModelSpec chat = manifest.select(JobKind.CHAT, null);
        ModelSpec vision = manifest.select(JobKind.VISION, null);
        ModelSpec image = manifest.select(JobKind.IMAGE, null);

        assertThat(chat.displayName()).isEqualTo("qwen3-1.7b:q4_k_m");
        assertThat(chat.files()).singleElement().satisfies(f -> {
            assertThat(f.url().getPath()).isEqualTo("/unsloth/Qwen3-1.7B-GGUF/resolve/main/Qwen3-1.7B-Q4_K_M.gguf");
            assertThat(f.path()).isEqualTo("chat/Qwen3-1.7B-Q4_K_M.gguf");
            assertThat(f.size()).isEqualTo(1107409472L);
            assertThat(f.sha256()).isEqualTo("b139949c5bd74937ad8ed8c8cf3d9ffb1e99c866c823204dc42c0d91fa181897");
        });
        ModelSpec qwen25 = manifest.select(JobKind.CHAT, "qwen2.5-1.5b-instruct:q4_k_m");
        assertThat(qwen25.isDefault()).isFalse();
        assertThat(qwen25.files()).singleElement().satisfies(f -> {
            assertThat(f.url().getPath()).isEqualTo(
                    "/Qwen/Qwen2.5-1.5B-Instruct-GGUF/resolve/main/qwen2.5-1.5b-instruct-q4_k_m.gguf");
            assertThat(f.size()).isEqualTo(1117320736L);
            assertThat(f.sha256()).isEqualTo("6a1a2eb6d15622bf3c96857206351ba97e1af16c30d7a74ee38970e434e9407e");
        });
        assertThat(manifest.select(JobKind.CHAT, "q8_0").files()).singleElement()
                .satisfies(f -> assertThat(f.sha256()).hasSize(64));
        assertThatThrownBy(() -> manifest.select(JobKind.CHAT, "q4_k_m"))
                .hasMessageContaining("several chat models have variant 'q4_k_m'; name one: qwen3-1.7b:q4_k_m, "
                        + "qwen2.5-1.5b-instruct:q4_k_m");
        // q4 keeps fp32 activations (ONNX Runtime's CPU provider runs it); its vision encoder's weights are external.
        assertThat(vision.variant()).isEqualTo("q4");
        assertThat(vision.files()).extracting(ModelFile::path).map(p -> p.substring(p.lastIndexOf('/') + 1))
                .containsExactlyInAnyOrder("vision_encoder_q4.onnx", "vision_encoder_q4.onnx_data",
                        "embed_tokens_q4.onnx", "decoder_model_merged_q4.onnx", "tokenizer.json", "config.json",
                        "preprocessor_config.json", "generation_config.json");
        // Every offered variant lists its external data files next to the graphs that reference them.
        assertThat(manifest.select(JobKind.VISION, "fp16").files()).extracting(ModelFile::path)
                .contains("vision/qwen2-vl-2b-instruct/onnx/decoder_model_merged_fp16.onnx",
                        "vision/qwen2-vl-2b-instruct/onnx/decoder_model_merged_fp16.onnx_data");
        assertThat(manifest.select(JobKind.VISION, "fp32").files()).extracting(ModelFile::path)
                .contains("vision/qwen2-vl-2b-instruct/onnx/decoder_model_merged.onnx_data");
        assertThat(manifest.models().stream().filter(m -> m.kind() == JobKind.VISION).map(ModelSpec::variant))
                .containsExactly("q4", "int8", "fp16", "q4f16", "fp32");
        assertThat(image.files()).extracting(ModelFile::path).contains(
                "image/lcm-dreamshaper-v7/text_encoder/model.onnx", "image/lcm-dreamshaper-v7/unet/model.onnx",
                "image/lcm-dreamshaper-v7/vae_decoder/model.onnx", "image/lcm-dreamshaper-v7/tokenizer/vocab.json",
                "image/lcm-dreamshaper-v7/tokenizer/merges.txt");
        assertThat(manifest.defaults()).containsExactly(chat, vision, image);
    }

    @Test
    void rejectsAPathThatLeavesTheModelsDirectory() {
        assertThatThrownBy(() -> parse(manifestWith("chat/../../etc/passwd", "https://example.org/f", "null")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("model #1 (chat tiny:q4), file #1 (chat/../../etc/passwd)")
                .hasMessageContaining("contain no '.' or '..' segments");
        assertThatThrownBy(() -> parse(manifestWith("/abs/f.gguf", "https://example.org/f", "null")))
                .hasMessageContaining("must be relative");
    }

    @Test
    void rejectsAPlainHttpUrlAndAMalformedDigest() {
        assertThatThrownBy(() -> parse(manifestWith("chat/f.gguf", "http://example.org/f", "null")))
                .hasMessageContaining("'url' must be an absolute https URL, got 'http://example.org/f'");
        assertThatThrownBy(() -> parse(manifestWith("chat/f.gguf", "https://example.org/f", "ABC123")))
                .hasMessageContaining("'sha256' must be 64 lower-case hex digits or null, got 'ABC123'");
    }

    @Test
    void rejectsAnUnknownKindAndAKindWithoutDefault() {
        String unknownKind = manifestWith("chat/f.gguf", "https://example.org/f", "null").replace("kind: chat",
                "kind: audio");
        String noDefault = manifestWith("chat/f.gguf", "https://example.org/f", "null").replace("default: true",
                "default: false");

        assertThatThrownBy(() -> parse(unknownKind)).hasMessageContaining("unknown job kind 'audio'");
        assertThatThrownBy(() -> parse(noDefault)).hasMessageContaining("no chat model is marked 'default: true'");
    }

    @Test
    void pathsAreResolvedInsideTheModelsDirectory(@org.junit.jupiter.api.io.TempDir Path dir) {
        ModelFile file = new ModelFile("chat/a.gguf", URI.create("https://h/a"), null, null, "d");
        ModelFile escaping = new ModelFile("../a.gguf", URI.create("https://h/a"), null, null, "d");

        assertThat(ModelPaths.resolve(dir, file)).isEqualTo(dir.toAbsolutePath().resolve("chat/a.gguf"));
        assertThatThrownBy(() -> ModelPaths.resolve(dir, escaping)).hasMessageContaining("leaves the models directory");
    }

    @Test
    void aMirrorKeepsTheOriginalPathAndQuery() {
        URI original = URI.create("https://huggingface.co/Qwen/x/resolve/main/f.gguf?download=true");

        assertThat(ModelPaths.rebase(original, null)).isEqualTo(original);
        assertThat(ModelPaths.rebase(original, URI.create("http://127.0.0.1:8080")))
                .isEqualTo(URI.create("http://127.0.0.1:8080/Qwen/x/resolve/main/f.gguf?download=true"));
        assertThat(ModelPaths.rebase(original, URI.create("https://mirror.example/hf/")))
                .isEqualTo(URI.create("https://mirror.example/hf/Qwen/x/resolve/main/f.gguf?download=true"));
        assertThatThrownBy(() -> ModelPaths.rebase(original, URI.create("mirror.example")))
                .hasMessageContaining("must be absolute");
    }

    private static ModelManifest parse(String yaml) {
        return ModelManifest.parse(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), "test.yaml");
    }

    private static String manifestWith(String path, String url, String sha256) {
        return String.join("\n", List.of(
                "version: 1",
                "models:",
                "  - kind: chat",
                "    id: tiny",
                "    variant: q4",
                "    default: true",
                "    description: test",
                "    files:",
                "      - path: " + path,
                "        url: " + url,
                "        size: 10",
                "        sha256: " + sha256,
                "        description: test file",
                ""));
    }
}
