package io.xaichat.models;

import static io.xaichat.models.CliRun.xaichat;
import static org.assertj.core.api.Assertions.assertThat;

import io.xaichat.schema.JobKind;
import io.xaichat.testkit.onnx.ContractFixtures;
import io.xaichat.testkit.onnx.ExportContracts;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code xaichat models check} on model directories laid out as {@code models pull} leaves them, with the packaged
 * manifest's paths and fixtures that declare each export's published contract.
 */
class ModelsCheckCommandTest {
    @TempDir
    Path modelsDir;

    @Test
    void printsWhatTheVisionEngineWillFeedAndNamesAMissingExternalDataFile() throws Exception {
        ExportContracts.QwenVl q4 = ExportContracts.qwenVl().stream().filter(v -> v.variant().equals("q4")).findFirst().orElseThrow();
        ContractFixtures.writeQwenVl(modelsDir.resolve("vision/qwen2-vl-2b-instruct"), q4, 3);

        CliRun ok = xaichat("models", "check", "vision", "--models-dir", modelsDir.toString());
        assertThat(ok.exitCode()).as(ok.toString()).isZero();
        assertThat(ok.out()).contains("vision qwen2-vl-2b-instruct:q4", "manifest files: 8 of 8 present",
                "external data vision_encoder_q4.onnx_data (present)",
                "feeds pixel_values FLOAT [num_patches, 1176]",
                "feeds num_logits_to_keep INT64 []: 1",
                "feeds position_ids INT64 [3, batch_size, sequence_length]: M-RoPE rows",
                "OK: the vision engine will load qwen2-vl-2b-instruct:q4");

        Files.delete(modelsDir.resolve("vision/qwen2-vl-2b-instruct/onnx/vision_encoder_q4.onnx_data"));
        CliRun missing = xaichat("models", "check", "vision", "--models-dir", modelsDir.toString());
        assertThat(missing.exitCode()).as(missing.toString()).isEqualTo(1);
        assertThat(missing.out()).contains("external data vision_encoder_q4.onnx_data (MISSING)",
                "PROBLEM: vision/qwen2-vl-2b-instruct/onnx/vision_encoder_q4.onnx_data is missing: run `xaichat models pull vision`",
                "keeps its weights in vision_encoder_q4.onnx_data, which is missing");
    }

    @Test
    void aVariantWhoseGraphsAreAbsentIsReportedFileByFile() {
        CliRun r = xaichat("models", "check", "vision", "--variant", "fp16", "--models-dir", modelsDir.toString());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.out()).contains("manifest files: 0 of 8 present",
                "PROBLEM: vision/qwen2-vl-2b-instruct/onnx/decoder_model_merged_fp16.onnx_data is missing: "
                        + "run `xaichat models pull vision --variant fp16`");
    }

    @Test
    void checksTheImageModelsGraphsAndTokenizer() {
        ContractFixtures.writeLcm(modelsDir.resolve("image/lcm-dreamshaper-v7"), ExportContracts.lcm(), 2, "fox");
        CliRun r = xaichat("models", "check", "image", "--models-dir", modelsDir.toString());
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).contains("external data model.onnx_data (present)",
                "feeds timestep_cond FLOAT [batch_size, 256]", "tokenizer/: CLIP BPE loads", "OK: the image engine");
    }

    /** The manifest lists, for every contract variant, each graph and the external data file it references. */
    @Test
    void theManifestListsEveryFileOfEveryContractVariant() {
        ModelManifest manifest = ModelManifest.load(null);
        for (ExportContracts.QwenVl v : ExportContracts.qwenVl()) {
            var paths = manifest.select(JobKind.VISION, v.variant()).files().stream().map(ModelFile::path).toList();
            for (ExportContracts.Graph g : new ExportContracts.Graph[] {v.vision(), v.embed(), v.decoder()}) {
                assertThat(paths).as(v.variant()).contains("vision/qwen2-vl-2b-instruct/onnx/" + g.file());
                if (g.externalData() != null) {
                    assertThat(paths).as(v.variant()).contains("vision/qwen2-vl-2b-instruct/onnx/" + g.externalData());
                }
            }
        }
        assertThat(manifest.select(JobKind.IMAGE, null).files()).extracting(ModelFile::path)
                .contains("image/lcm-dreamshaper-v7/unet/model.onnx_data");
    }

}
