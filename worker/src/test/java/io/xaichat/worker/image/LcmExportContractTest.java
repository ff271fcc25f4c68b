package io.xaichat.worker.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.xaichat.schema.JobEnvelope;
import io.xaichat.schema.JobKind;
import io.xaichat.schema.Json;
import io.xaichat.testkit.onnx.ContractFixtures;
import io.xaichat.testkit.onnx.ExportContracts;
import io.xaichat.worker.engine.ChunkSink;
import io.xaichat.worker.engine.EngineResult;
import io.xaichat.worker.onnx.OnnxGraphFile;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The LCM-Dreamshaper-V7 export's contract ({@link ExportContracts#lcm()}) on the image engine. */
class LcmExportContractTest {
    @TempDir
    Path dir;

    @Test
    void theEngineLoadsAndRunsThePublishedExport() throws Exception {
        ExportContracts.Lcm c = ExportContracts.lcm();
        Path model = ContractFixtures.writeLcm(dir.resolve("lcm"), c, 5, "red", "fox");
        OnnxGraphFile unet = OnnxGraphFile.read(model.resolve(c.unet().file()));
        assertThat(unet.externalData()).containsExactly("model.onnx_data");
        assertThat(unet.inputs().get("sample").dims()).containsExactly("batch_size", "num_channels", "height", "width");
        try (LcmImageEngine engine = LcmImageEngine.open(ImageEngineConfig.of("contract-lcm", model, 1, null))) {
            EngineResult r = engine.run(engine.prepare(JobEnvelope.of("j", JobKind.IMAGE, "replies",
                    Json.MAPPER.createObjectNode().put("prompt", "a red fox").put("steps", 2).put("width", 128)
                            .put("height", 64).put("seed", 3))), ChunkSink.NONE);
            BufferedImage image = LcmImageEngineTest.decode(r.output());
            assertThat(image.getWidth()).isEqualTo(128);
            assertThat(LcmImageEngineTest.distinctColours(image)).isGreaterThan(50);
        }
    }

    @Test
    void aMissingUnetWeightsFileIsNamedBeforeLoading() throws Exception {
        Path model = ContractFixtures.writeLcm(dir.resolve("lcm"), ExportContracts.lcm(), 5, "red");
        Files.delete(model.resolve("unet/model.onnx_data"));
        assertThatThrownBy(() -> LcmImageEngine.open(ImageEngineConfig.of("m", model, 1, null)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("model.onnx_data, which is missing")
                .hasMessageContaining("xaichat models pull image");
    }
}
