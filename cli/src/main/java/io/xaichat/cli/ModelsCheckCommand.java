package io.xaichat.cli;

import io.xaichat.models.LocalFileCheck;
import io.xaichat.models.ModelFile;
import io.xaichat.models.ModelSpec;
import io.xaichat.worker.config.WorkerSettings;
import io.xaichat.worker.image.ImageEngineConfig;
import io.xaichat.worker.image.LcmModelCheck;
import io.xaichat.worker.vision.QwenVlModelCheck;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code xaichat models check [chat|vision|image|all]}: inspects the downloaded files of a model without running a
 * job — every manifest file present, each ONNX graph's inputs and outputs and external data, the tokenizer and
 * configs — and prints what the engine will feed, or exactly what does not match.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Inspect the downloaded files of the default model of a kind (or of every kind) without "
                + "running a job: files present, ONNX graph inputs/outputs and external data, tokenizer and configs.",
                "Prints what the engine will feed each graph, or what does not match."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the engines will load the checked models", "1:a file is missing or does not match",
                "2:invalid arguments"})
public final class ModelsCheckCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ModelsOptions options;

    @Mixin
    ModelSelection selection;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        List<ModelSpec> models = selection.select(spec, ModelsCommands.manifest(spec, options));
        int failing = 0;
        for (ModelSpec model : models) {
            List<String> problems = check(model, out);
            if (problems.isEmpty()) {
                out.println("  OK: the " + model.kind().wireName() + " engine will load " + model.displayName());
            } else {
                failing++;
                for (String p : problems) out.println("  PROBLEM: " + p);
            }
            out.println();
        }
        out.flush();
        return failing == 0 ? 0 : 1;
    }

    private List<String> check(ModelSpec model, PrintWriter out) throws IOException {
        out.println(model.kind().wireName() + " " + model.displayName() + " in " + options.modelsDir.toAbsolutePath());
        List<String> problems = new ArrayList<>();
        int present = 0;
        for (ModelFile file : model.files()) {
            LocalFileCheck.Result r = LocalFileCheck.check(file, options.modelsDir, false);
            if (r.state() == LocalFileCheck.State.PRESENT && r.verification() != LocalFileCheck.Verification.SIZE_MISMATCH) {
                present++;
            } else {
                problems.add(file.path() + " is " + (r.state() == LocalFileCheck.State.PRESENT ? "of the wrong size"
                        : r.state().name().toLowerCase()) + ": run `xaichat models pull " + model.kind().wireName()
                        + (model.isDefault() ? "" : " --variant " + model.variant()) + "`");
            }
        }
        out.println("  manifest files: " + present + " of " + model.files().size() + " present");
        switch (model.kind()) {
            case VISION -> {
                Path dir = options.modelsDir.resolve(WorkerSettings.DEFAULT_VISION_MODEL);
                String suffix = model.variant().equals("fp32") ? "" : "_" + model.variant();
                QwenVlModelCheck.Report r = QwenVlModelCheck.inspect(dir, suffix);
                r.lines().forEach(l -> out.println("  " + l));
                r.warnings().forEach(w -> out.println("  WARNING: " + w));
                merge(problems, r.problems());
            }
            case IMAGE -> {
                Path dir = options.modelsDir.resolve(WorkerSettings.DEFAULT_IMAGE_MODEL);
                LcmModelCheck.Report r = LcmModelCheck.inspect(ImageEngineConfig.of(model.id(), dir, 1, null));
                r.lines().forEach(l -> out.println("  " + l));
                merge(problems, r.problems());
            }
            default -> out.println("  (graph inspection applies to the ONNX models: vision and image)");
        }
        return problems;
    }

    /** Adds the engine check's problems, leaving out a missing file the manifest check already reported. */
    private static void merge(List<String> problems, List<String> more) {
        for (String p : more) {
            boolean known = problems.stream().anyMatch(q -> p.startsWith("missing ") && p.contains(q.split(" ")[0]));
            if (!known) problems.add(p);
        }
    }
}
