package io.xaichat.worker.image;

import io.xaichat.worker.onnx.OnnxGraphFile;
import io.xaichat.worker.onnx.TensorSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks an LCM (SD 1.5) ONNX model directory against what {@link LcmPipeline} feeds, without loading weights: the
 * three graphs with their external data files (the UNet keeps ~3.4 GB in {@code unet/model.onnx_data}), the inputs
 * the pipeline fills, and the CLIP tokenizer files. {@link LcmImageEngine} runs it before opening sessions;
 * {@code xaichat models check image} prints it.
 */
public final class LcmModelCheck {
    private static final Map<String, Set<String>> REQUIRED = Map.of(
            "text_encoder", Set.of("input_ids"),
            "unet", Set.of("sample", "timestep", "encoder_hidden_states"),
            "vae_decoder", Set.of("latent_sample"));
    private static final Map<String, Set<String>> OPTIONAL = Map.of("unet", Set.of("timestep_cond"));

    /** Same meaning as the vision check's report. */
    public record Report(List<String> lines, List<String> problems, List<Path> files) {
        public boolean ok() {
            return problems.isEmpty();
        }
    }

    private LcmModelCheck() {}

    public static Report inspect(ImageEngineConfig config) {
        List<String> lines = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        Path dir = config.modelDir();
        Map<String, Path> graphs = Map.of("text_encoder", config.textEncoder(), "unet", config.unet(),
                "vae_decoder", config.vaeDecoder());
        for (String part : List.of("text_encoder", "unet", "vae_decoder")) {
            Path file = graphs.get(part);
            if (!Files.isRegularFile(file)) {
                problems.add("missing " + file + ": run `xaichat models pull image`");
                continue;
            }
            files.add(file);
            try {
                OnnxGraphFile g = OnnxGraphFile.read(file);
                lines.add(dir.relativize(file) + ":");
                for (String data : g.externalData()) {
                    boolean present = Files.isRegularFile(file.resolveSibling(data));
                    if (present) files.add(file.resolveSibling(data));
                    lines.add("  external data " + data + (present ? " (present)" : " (MISSING)"));
                }
                for (Path missing : g.missingExternalData()) {
                    problems.add(dir.relativize(file) + " keeps its weights in " + missing.getFileName()
                            + ", which is missing next to it: run `xaichat models pull image`");
                }
                Set<String> missing = new TreeSet<>(REQUIRED.get(part));
                missing.removeAll(g.inputs().keySet());
                Set<String> unknown = new TreeSet<>(g.inputs().keySet());
                unknown.removeAll(REQUIRED.get(part));
                unknown.removeAll(OPTIONAL.getOrDefault(part, Set.of()));
                if (!missing.isEmpty()) problems.add(part + " lacks the inputs " + missing + "; it declares " + g.inputs().keySet());
                if (!unknown.isEmpty()) problems.add(part + " declares inputs the pipeline does not feed: " + unknown);
                for (TensorSpec in : g.inputs().values()) lines.add("  feeds " + in);
                if (!g.outputs().isEmpty()) lines.add("  reads " + g.outputs().values().iterator().next());
            } catch (IOException e) {
                problems.add(e.getMessage());
            }
        }
        for (String name : List.of("vocab.json", "merges.txt")) {
            Path file = config.tokenizer().resolve(name);
            if (Files.isRegularFile(file)) files.add(file);
            else problems.add("missing " + dir.relativize(file) + ": run `xaichat models pull image`");
        }
        if (problems.stream().noneMatch(p -> p.contains("tokenizer"))) {
            try {
                ClipTokenizer.load(config.tokenizer());
                lines.add("tokenizer/: CLIP BPE loads");
            } catch (IOException | RuntimeException e) {
                problems.add("tokenizer/ does not load: " + e.getMessage());
            }
        }
        return new Report(lines, problems, files);
    }
}
